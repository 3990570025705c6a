#include "sqlite_sql.h"

#include <nlohmann/json.hpp>

namespace switchboard::sqlite {
namespace {

std::string index_name(const DocTypeDef& def, const std::vector<std::string>& cols, bool unique) {
  std::string n = unique ? "uniq_" : "idx_";
  n += def.name;
  for (const auto& c : cols) n += "_" + c;
  return quote(n);
}

nlohmann::json to_json(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull: return nullptr;
    case Value::Type::kInt: return v.as_int();
    case Value::Type::kReal: return v.as_real();
    case Value::Type::kText: return v.as_text();
  }
  return nullptr;
}

}  // namespace

std::string quote(std::string_view identifier) {
  std::string out = "\"";
  for (char c : identifier) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
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

std::vector<std::string> create_index_sql(const DocTypeDef& def) {
  std::vector<std::string> out;
  for (const auto& c : def.columns()) {
    if (c.unique) {
      out.push_back("CREATE UNIQUE INDEX IF NOT EXISTS " + index_name(def, {c.name}, true) + " ON " +
                    table_name(def.name) + "(" + quote(c.name) + ") WHERE " + quote(c.name) +
                    " IS NOT NULL AND " + quote(c.name) + " != ''");
    } else if (c.indexed) {
      out.push_back("CREATE INDEX IF NOT EXISTS " + index_name(def, {c.name}, false) + " ON " +
                    table_name(def.name) + "(" + quote(c.name) + ")");
    }
  }
  for (const auto& cols : def.indexes) {
    std::string list;
    for (const auto& c : cols) list += (list.empty() ? "" : ", ") + quote(c);
    out.push_back("CREATE INDEX IF NOT EXISTS " + index_name(def, cols, false) + " ON " +
                  table_name(def.name) + "(" + list + ")");
  }
  return out;
}

WhereClause where_sql(const Filters& filters,
                      const std::function<bool(std::string_view)>& has_column) {
  WhereClause w;
  for (const auto& f : filters) {
    w.sql += w.sql.empty() ? " WHERE " : " AND ";
    const std::string col = has_column(f.field) ? quote(f.field) : std::string("NULL");
    const std::string nullsafe = "IFNULL(" + col + ", '')";
    auto list = [&](const std::string& lhs, bool negate) {
      if (f.values.empty()) {
        w.sql += negate ? "1" : "0";
        return;
      }
      w.sql += lhs + (negate ? " NOT IN " : " IN ");
      if (f.values.size() > kMaxInlineList) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& v : f.values) arr.push_back(to_json(v));
        w.sql += "(SELECT value FROM json_each(?))";
        w.params.emplace_back(arr.dump());
        return;
      }
      w.sql += "(";
      for (std::size_t i = 0; i < f.values.size(); ++i) {
        w.sql += i ? ", ?" : "?";
        w.params.push_back(f.values[i]);
      }
      w.sql += ")";
    };
    switch (f.op) {
      case Op::kEq:
        if (f.value.is_null()) {
          w.sql += col + " IS NULL";
        } else {
          w.sql += col + " = ?";
          w.params.push_back(f.value);
        }
        break;
      case Op::kNe:
        if (f.value.is_null()) {
          w.sql += col + " IS NOT NULL";
        } else {
          w.sql += nullsafe + " != ?";
          w.params.push_back(f.value);
        }
        break;
      case Op::kLt: w.sql += col + " < ?"; w.params.push_back(f.value); break;
      case Op::kLe: w.sql += col + " <= ?"; w.params.push_back(f.value); break;
      case Op::kGt: w.sql += col + " > ?"; w.params.push_back(f.value); break;
      case Op::kGe: w.sql += col + " >= ?"; w.params.push_back(f.value); break;
      case Op::kIn: list(col, false); break;
      case Op::kNotIn: list(nullsafe, true); break;
      case Op::kLike: w.sql += col + " LIKE ?"; w.params.push_back(f.value); break;
      case Op::kNotLike: w.sql += nullsafe + " NOT LIKE ?"; w.params.push_back(f.value); break;
      case Op::kIsSet: w.sql += "(" + col + " IS NOT NULL AND " + col + " != '')"; break;
      case Op::kIsNotSet: w.sql += "(" + col + " IS NULL OR " + col + " = '')"; break;
      case Op::kBetween:
        w.sql += col + " BETWEEN ? AND ?";
        w.params.push_back(f.values.at(0));
        w.params.push_back(f.values.at(1));
        break;
    }
  }
  return w;
}

std::string order_sql(std::string_view order_by,
                      const std::function<bool(std::string_view)>& has_column) {
  std::string sql;
  for (const auto& t : parse_order_by(order_by)) {
    if (!has_column(t.field)) continue;  // an all-null column does not order anything
    sql += sql.empty() ? " ORDER BY " : ", ";
    sql += quote(t.field) + (t.descending ? " DESC" : " ASC");
  }
  return sql;
}

}  // namespace switchboard::sqlite
