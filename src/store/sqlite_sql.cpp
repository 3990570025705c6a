#include "sqlite_sql.h"

#include "core/json.h"
#include "store/sql_order.h"

namespace switchboard::sqlite {
namespace {

// The index's name as sqlite_master holds it (unquoted).
std::string raw_index_name(const DocTypeDef& def, const std::vector<std::string>& cols, bool unique) {
  std::string n = unique ? "uniq_" : "idx_";
  n += def.name;
  for (const auto& c : cols) n += "_" + c;
  return n;
}

std::string index_name(const DocTypeDef& def, const std::vector<std::string>& cols, bool unique) {
  return quote(raw_index_name(def, cols, unique));
}

}  // namespace

std::string quote(std::string_view identifier) {
  std::string out;
  out.reserve(identifier.size() + 2);
  append_quoted(out, identifier);
  return out;
}

std::string table_name(std::string_view doctype) {
  return quote(std::string("tab") + std::string(doctype));
}

std::string literal(const Value& v) {
  if (v.is_null()) return "NULL";
  if (v.is_number()) return v.to_text();
  std::string out = "'";
  for (char c : v.as_text()) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

std::string column_sql(const FieldDef& f) {
  std::string sql = quote(f.name);
  switch (f.type) {
    case FieldType::kInt:
      sql += " INTEGER NOT NULL DEFAULT " + literal(f.default_value.is_null() ? Value(0) : f.default_value);
      break;
    case FieldType::kReal:
      sql += " REAL NOT NULL DEFAULT " + literal(f.default_value.is_null() ? Value(0.0) : f.default_value);
      break;
    default:
      sql += " TEXT";
      if (!f.default_value.is_null()) sql += " DEFAULT " + literal(f.default_value);
  }
  return sql;
}

std::string create_table_sql(const DocTypeDef& def) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + table_name(def.name) + " (";
  bool first = true;
  for (const auto& c : def.columns()) {
    if (!first) sql += ", ";
    first = false;
    if (c.name == "name") sql += "\"name\" TEXT PRIMARY KEY NOT NULL";
    else sql += column_sql(c);
  }
  sql += ")";
  return sql;
}

std::vector<std::string> create_index_sql(const DocTypeDef& def,
                                          const std::map<std::string, std::string>& existing) {
  std::vector<std::string> out;
  const std::string table = table_name(def.name);
  // An index is kept when its stored definition is the one wanted, else rebuilt; stored names
  // and definitions are as sqlite_master holds them (unquoted name; CREATE without IF NOT EXISTS).
  auto want = [&](const std::vector<std::string>& cols, bool unique) {
    const std::string name = index_name(def, cols, unique);
    std::string list;
    for (const auto& c : cols) list += (list.empty() ? "" : ", ") + quote(c);
    std::string sql = std::string(unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") + name +
                      " ON " + table + "(" + list + ")";
    // Lookups are by value: rows without one (a ticket without a phone, an unmerged record)
    // stay out of the index and cost an insert nothing. creation and modified order listings
    // without a filter on them, so they keep every row. A unique index holds every row: nulls
    // never collide in it, the facade stores an empty unique value as null, and earlier
    // layouts' partial ones are rebuilt.
    if (!unique && cols.front() != "creation" && cols.front() != "modified")
      sql += " WHERE " + quote(cols.front()) + " IS NOT NULL";
    auto it = existing.find(raw_index_name(def, cols, unique));
    if (it != existing.end() && it->second == sql) return;
    if (it != existing.end()) out.push_back("DROP INDEX " + name);
    out.push_back(std::move(sql));
  };
  for (const auto& c : def.columns()) {
    if (c.unique || c.indexed) {
      want({c.name}, c.unique);
    } else if (existing.count(raw_index_name(def, {c.name}, false))) {
      // A field this schema no longer indexes: its index would only cost every insert.
      out.push_back("DROP INDEX " + index_name(def, {c.name}, false));
    }
  }
  for (const auto& cols : def.indexes) want(cols, false);
  return out;
}

void append_quoted(std::string& out, std::string_view identifier) {
  out += '"';
  for (char c : identifier) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void append_where(std::string& sql, std::vector<const Value*>& params, std::vector<Value>& owned,
                  const Filters& filters, const HasColumn& has_column) {
  // `owned` must not reallocate while `params` points into it.
  std::size_t json_lists = 0;
  for (const auto& f : filters)
    if ((f.op == Op::kIn || f.op == Op::kNotIn) && f.values.size() > kMaxInlineList) ++json_lists;
  if (json_lists) owned.reserve(owned.size() + json_lists);
  bool first = true;
  for (const auto& f : filters) {
    sql += first ? " WHERE " : " AND ";
    first = false;
    const bool present = has_column(f.field);
    auto col = [&] {
      if (present) append_quoted(sql, f.field);
      else sql += "NULL";
    };
    auto nullsafe = [&] {  // Frappe's ifnull(field, '')
      sql += "IFNULL(";
      col();
      sql += ", '')";
    };
    auto bind = [&](const Value& v) { params.push_back(&v); };
    auto list = [&](bool negate) {
      if (f.values.empty()) {
        sql += negate ? "1" : "0";
        return;
      }
      if (negate) nullsafe();
      else col();
      sql += negate ? " NOT IN " : " IN ";
      if (f.values.size() > kMaxInlineList) {
        json::Json arr = json::Json::array();
        for (const auto& v : f.values) arr.push_back(json::from_value(v));
        sql += "(SELECT value FROM json_each(?))";
        owned.emplace_back(json::dump(arr));
        params.push_back(&owned.back());
        return;
      }
      sql += '(';
      for (std::size_t i = 0; i < f.values.size(); ++i) {
        sql += i ? ", ?" : "?";
        bind(f.values[i]);
      }
      sql += ')';
    };
    auto binary = [&](const char* op) {
      col();
      sql += op;
      bind(f.value);
    };
    switch (f.op) {
      case Op::kEq:
        if (f.value.is_null()) {
          col();
          sql += " IS NULL";
        } else {
          binary(" = ?");
        }
        break;
      case Op::kNe:
        if (f.value.is_null()) {
          col();
          sql += " IS NOT NULL";
        } else {
          nullsafe();
          sql += " != ?";
          bind(f.value);
        }
        break;
      case Op::kLt: binary(" < ?"); break;
      case Op::kLe: binary(" <= ?"); break;
      case Op::kGt: binary(" > ?"); break;
      case Op::kGe: binary(" >= ?"); break;
      case Op::kIn: list(false); break;
      case Op::kNotIn: list(true); break;
      case Op::kLike: binary(" LIKE ?"); break;
      case Op::kNotLike:
        nullsafe();
        sql += " NOT LIKE ?";
        bind(f.value);
        break;
      case Op::kIsSet:
        sql += '(';
        col();
        sql += " IS NOT NULL AND ";
        col();
        sql += " != '')";
        break;
      case Op::kIsNotSet:
        // Not "(c IS NULL OR c = '')": that invites a multi-index OR over the (usually many)
        // unset rows instead of the selective index of another filter.
        nullsafe();
        sql += " = ''";
        break;
      case Op::kBetween:
        col();
        sql += " BETWEEN ? AND ?";
        bind(f.values.at(0));
        bind(f.values.at(1));
        break;
    }
  }
}

void append_order(std::string& sql, std::string_view order_by, const HasColumn& has_column) {
  store_detail::append_order_by(sql, order_by, has_column, append_quoted);
}

}  // namespace switchboard::sqlite
