// Internal: SQL text for MariaDbStore — Frappe's column types and indexes, and filters
// translated with exactly the semantics of filter_matches() (query.h) wherever MariaDB's
// utf8mb4_unicode_ci collation would otherwise answer differently.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "connection.h"
#include "switchboard/query.h"
#include "switchboard/schema.h"

namespace switchboard::mariadb {

/// Frappe's VARCHAR length for names, links and other short keys.
constexpr int kVarcharLength = 140;
/// Prefix length of indexes on long text columns.
constexpr int kIndexPrefix = 140;

/// `tab<doctype>`, backquoted.
std::string table_ident(std::string_view doctype);
/// The column definition for CREATE TABLE / ADD COLUMN in an own database (Frappe's types).
std::string column_sql(const FieldDef& f);
/// The class a column created by column_sql() has.
ColumnClass column_class(const FieldDef& f) noexcept;
/// CREATE TABLE (standard columns + fields), InnoDB, utf8mb4_unicode_ci.
std::string create_table_sql(const DocTypeDef& def);
/// CREATE [UNIQUE] INDEX IF NOT EXISTS for every indexed / unique field and composite index.
std::vector<std::string> create_index_sql(const DocTypeDef& def);
/// The type of a custom column created for a value written to an unknown field.
std::string custom_column_type(const Value& first_value);

/// The class of a table column, or nullptr when the table has no such column (it reads as NULL).
using ColumnLookup = std::function<const ColumnClass*(std::string_view)>;

/// Appends " WHERE ..." (nothing without filters). Values go to `params` in placeholder order:
/// pointers into `filters`, or into `owned` for values the translation derives (patterns).
void append_where(std::string& sql, std::vector<const Value*>& params, std::vector<Value>& owned,
                  const Filters& filters, const ColumnLookup& column);
/// Appends " ORDER BY ..." (terms on missing columns are dropped).
void append_order(std::string& sql, std::string_view order_by, const ColumnLookup& column);

/// A SQL LIKE pattern with SQLite's meaning (no escape character) for MariaDB's LIKE with
/// ESCAPE '|'.
std::string like_pattern(std::string_view sqlite_pattern);
/// A PCRE pattern matching exactly what SQLite's LIKE matches: `%`, `_` (one character),
/// ASCII letters case-insensitive, everything else exact.
std::string like_regex(std::string_view sqlite_pattern);

}  // namespace switchboard::mariadb
