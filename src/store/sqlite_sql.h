// Internal: SQL text for SqliteStore — identifiers, DDL, and filters translated with exactly
// the semantics of filter_matches() (query.h).
#pragma once

#include <map>
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
/// The statements that bring a table's indexes to this layout, given `existing` (index name ->
/// its sqlite_master definition): every indexed field and composite index, partial (rows whose
/// first column is null left out) except on creation and modified; a changed definition is
/// dropped and rebuilt; the index of a field no longer indexed is dropped.
std::vector<std::string> create_index_sql(const DocTypeDef& def,
                                          const std::map<std::string, std::string>& existing);

/// Appends a double-quoted identifier to `out`.
void append_quoted(std::string& out, std::string_view identifier);

/// Tells whether the table has a column (missing ones read as NULL). A non-owning reference
/// to a callable that outlives the call it is passed to (no std::function per query).
class HasColumn {
 public:
  template <typename Fn>
  HasColumn(const Fn& fn)  // NOLINT(google-explicit-constructor)
      : fn_(&fn), call_([](const void* f, std::string_view c) {
          return (*static_cast<const Fn*>(f))(c);
        }) {}
  bool operator()(std::string_view column) const { return call_(fn_, column); }

 private:
  const void* fn_;
  bool (*call_)(const void*, std::string_view);
};

/// Appends " WHERE ..." (nothing for no filters) to `sql`; the SQL text depends only on the
/// filters' shape, values go to `params` in placeholder order (pointers into `filters`, or
/// into `owned` for JSON-encoded long lists).
void append_where(std::string& sql, std::vector<const Value*>& params, std::vector<Value>& owned,
                  const Filters& filters, const HasColumn& has_column);

/// Appends " ORDER BY ..." (terms on missing columns are dropped).
void append_order(std::string& sql, std::string_view order_by, const HasColumn& has_column);

/// Lists longer than this are bound as one JSON array through json_each().
constexpr std::size_t kMaxInlineList = 64;

}  // namespace switchboard::sqlite
