// Internal: SQL text for SqliteStore — identifiers, DDL, and filters translated with exactly
// the semantics of filter_matches() (query.h).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/query.h"
#include "switchboard/schema.h"

namespace switchboard::sqlite {

/// "tab" + doctype, double-quoted.
std::string table_name(std::string_view doctype);
/// A double-quoted identifier (embedded quotes doubled).
std::string quote(std::string_view identifier);
/// A single-quoted SQL literal for a default value.
std::string literal(const Value& v);

/// CREATE TABLE for a doctype (standard columns + fields).
std::string create_table_sql(const DocTypeDef& def);
/// The column definition used by CREATE TABLE and ALTER TABLE ADD COLUMN.
std::string column_sql(const FieldDef& f);
/// CREATE [UNIQUE] INDEX IF NOT EXISTS statements for every indexed field and composite index.
std::vector<std::string> create_index_sql(const DocTypeDef& def);

/// Lists where the SQL text depends only on the filter shape; values go to `params`.
/// `has_column(field)` tells whether the table has that column (missing ones read as NULL).
struct WhereClause {
  std::string sql;            // "" or " WHERE ..."
  std::vector<Value> params;  // in placeholder order
};
WhereClause where_sql(const Filters& filters, const std::function<bool(std::string_view)>& has_column);

/// " ORDER BY ..." for parsed terms (terms on missing columns are dropped).
std::string order_sql(std::string_view order_by, const std::function<bool(std::string_view)>& has_column);

/// Lists longer than this are bound as one JSON array through json_each().
constexpr std::size_t kMaxInlineList = 64;

}  // namespace switchboard::sqlite
