#include "mariadb_sql.h"

#include <cstdio>

#include "store/sql_order.h"

namespace switchboard::mariadb {
namespace {

// Standard columns get Frappe's exact definitions.
const char* standard_column_sql(std::string_view name) {
  if (name == "name") return "varchar(140) NOT NULL";
  if (name == "owner" || name == "modified_by") return "varchar(140) DEFAULT 'Administrator'";
  if (name == "parent" || name == "parentfield" || name == "parenttype") return "varchar(140)";
  if (name == "docstatus") return "int(1) NOT NULL DEFAULT 0";
  if (name == "idx") return "int(8) NOT NULL DEFAULT 0";
  if (name == "creation" || name == "modified") return "datetime(6)";
  return nullptr;
}

bool is_long_text(const FieldDef& f) {
  return f.type == FieldType::kText && !f.unique && !standard_column_sql(f.name);
}

std::string literal(const Value& v) {
  if (v.is_null()) return "NULL";
  if (v.is_number()) return v.to_text();
  std::string out = "'";
  for (char c : v.as_text()) {
    if (c == '\'') out += '\'';
    if (c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

std::string index_name(const std::vector<std::string>& cols, bool unique) {
  std::string n;
  for (const auto& c : cols) n += (n.empty() ? "" : "_") + c;
  if (!unique) n += "_index";
  if (n.size() > 64) n = n.substr(0, 47) + "_" + stable_hash(n);  // identifiers: 64 at most
  return ident(n);
}

bool is_numeric(ColumnClass c) { return c == ColumnClass::kInt || c == ColumnClass::kReal; }
bool is_temporal(ColumnClass c) {
  return c == ColumnClass::kDate || c == ColumnClass::kDatetime || c == ColumnClass::kTime;
}
// A value the column can never equal (filter_matches: numbers and text never compare equal).
bool mismatched(ColumnClass c, const Value& v) {
  return is_numeric(c) ? v.is_text() : v.is_number();
}

}  // namespace

std::string table_ident(std::string_view doctype) { return ident(std::string("tab") + std::string(doctype)); }

ColumnClass column_class(const FieldDef& f) noexcept {
  if (f.name == "docstatus" || f.name == "idx") return ColumnClass::kInt;
  switch (f.type) {
    case FieldType::kInt: return ColumnClass::kInt;
    case FieldType::kReal: return ColumnClass::kReal;
    case FieldType::kDate: return ColumnClass::kDate;
    case FieldType::kDatetime: return ColumnClass::kDatetime;
    default: return ColumnClass::kText;
  }
}

std::string column_sql(const FieldDef& f) {
  std::string sql = ident(f.name) + " ";
  if (const char* standard = standard_column_sql(f.name)) return sql + standard;
  switch (f.type) {
    case FieldType::kInt:
      return sql + "bigint NOT NULL DEFAULT " +
             literal(f.default_value.is_null() ? Value(0) : f.default_value);
    case FieldType::kReal:
      return sql + "decimal(21,9) NOT NULL DEFAULT " +
             literal(f.default_value.is_null() ? Value(0.0) : f.default_value);
    case FieldType::kDate: sql += "date"; break;
    case FieldType::kDatetime: sql += "datetime(6)"; break;
    case FieldType::kText: sql += f.unique ? "varchar(140)" : "longtext"; break;
  }
  if (!f.default_value.is_null()) sql += " DEFAULT " + literal(f.default_value);
  return sql;
}

namespace {

struct IndexDef {
  std::string name;  // quoted
  bool unique;
  std::string parts;  // quoted column list with prefix lengths
};

std::vector<IndexDef> index_defs(const DocTypeDef& def) {
  std::vector<IndexDef> out;
  auto part = [&](const std::string& col) {
    const FieldDef* f = def.field(col);
    std::string p = ident(col);
    if (f && is_long_text(*f)) p += "(" + std::to_string(kIndexPrefix) + ")";
    return p;
  };
  for (const auto& c : def.columns()) {
    if (c.unique) out.push_back({index_name({c.name}, true), true, part(c.name)});
    else if (c.indexed) out.push_back({index_name({c.name}, false), false, part(c.name)});
  }
  if (!def.is_child)  // Frappe indexes `modified` on every parent table
    out.push_back({"`modified`", false, "`modified`"});
  for (const auto& cols : def.indexes) {
    std::string list;
    for (const auto& c : cols) list += (list.empty() ? "" : ", ") + part(c);
    out.push_back({index_name(cols, false), false, list});
  }
  return out;
}

}  // namespace

std::string create_table_sql(const DocTypeDef& def) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + table_ident(def.name) + " (";
  for (const auto& c : def.columns()) sql += column_sql(c) + ", ";
  for (const auto& i : index_defs(def))
    sql += std::string(i.unique ? "UNIQUE KEY " : "KEY ") + i.name + " (" + i.parts + "), ";
  sql += "PRIMARY KEY (`name`)) ENGINE=InnoDB ROW_FORMAT=DYNAMIC CHARACTER SET=utf8mb4 "
         "COLLATE=utf8mb4_unicode_ci";
  return sql;
}

std::vector<std::string> create_index_sql(const DocTypeDef& def) {
  std::vector<std::string> out;
  for (const auto& i : index_defs(def))
    out.push_back(std::string(i.unique ? "CREATE UNIQUE INDEX IF NOT EXISTS " : "CREATE INDEX IF NOT EXISTS ") +
                  i.name + " ON " + table_ident(def.name) + " (" + i.parts + ")");
  return out;
}

std::string custom_column_type(const Value& v) {
  if (v.is_int()) return "bigint";
  if (v.is_real()) return "double";
  return "longtext";
}

std::string like_pattern(std::string_view p) {
  std::string out;
  out.reserve(p.size() + 4);
  for (char c : p) {
    if (c == '|') out += '|';  // our ESCAPE character stands for itself
    out += c;
  }
  return out;
}

std::string like_regex(std::string_view p) {
  // (?-i): case-sensitive even on a _ci column; (?s): `.` matches newlines; \A...\z: whole value.
  std::string out = "(?-i)(?s)\\A";
  for (char c : p) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '%') {
      out += ".*";
    } else if (c == '_') {
      out += '.';
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      char lower = static_cast<char>(c | 0x20), upper = static_cast<char>(c & ~0x20);
      out += '[';
      out += lower;
      out += upper;
      out += ']';
    } else if (u < 0x80 && !(c >= '0' && c <= '9')) {
      out += '\\';  // escape every ASCII punctuation (and control) character
      out += c;
    } else {
      out += c;  // digits and UTF-8 bytes of other characters match themselves
    }
  }
  out += "\\z";
  return out;
}

void append_where(std::string& sql, std::vector<const Value*>& params, std::vector<Value>& owned,
                  const Filters& filters, const ColumnLookup& column) {
  // `owned` must not reallocate while `params` points into it: at most two values per filter.
  owned.reserve(owned.size() + 2 * filters.size());
  bool first = true;
  for (const auto& f : filters) {
    sql += first ? " WHERE " : " AND ";
    first = false;
    const ColumnClass* cls = column(f.field);
    std::string col = cls ? ident(f.field) : std::string();
    auto bind = [&](const Value& v) { params.push_back(&v); };
    auto own = [&](Value v) -> const Value& {
      owned.push_back(std::move(v));
      return owned.back();
    };
    auto as_text = [&] {  // the column as text, for LIKE on numbers and dates
      return *cls == ColumnClass::kText ? col : "CAST(" + col + " AS CHAR)";
    };
    // `col op ?` with filter_matches' ordering between numbers and text (numbers < text).
    auto compare = [&](const char* op, const Value& v) {
      if (!cls) {
        sql += "0";  // null never compares
      } else if (mismatched(*cls, v)) {
        const bool less = op[0] == '<';
        // numeric column vs text value: every number is less; text column vs number: greater
        const bool holds = is_numeric(*cls) ? less : !less;
        sql += holds ? "(" + col + " IS NOT NULL)" : std::string("0");
      } else {
        sql += col + " " + op + " ?";
        bind(v);
      }
    };
    // An IN list padded to a power of two (repeating its last value) so that statements are
    // shared between lists of similar length.
    auto in_list = [&](const std::vector<const Value*>& values) {
      std::size_t n = 1;
      while (n < values.size()) n *= 2;
      sql += '(';
      for (std::size_t i = 0; i < n; ++i) {
        sql += i ? ", ?" : "?";
        bind(*values[std::min(i, values.size() - 1)]);
      }
      sql += ')';
    };
    switch (f.op) {
      case Op::kEq:
        if (f.value.is_null()) sql += cls ? "(" + col + " IS NULL)" : std::string("1");
        else if (!cls || mismatched(*cls, f.value)) sql += "0";
        else if (is_temporal(*cls) && f.value.to_text().empty()) sql += "0";
        else if (*cls == ColumnClass::kText) {
          // The collation's `=` finds candidates through the index; BINARY keeps them exact.
          sql += "(" + col + " = ? AND BINARY " + col + " = ?)";
          bind(f.value);
          bind(f.value);
        } else {
          sql += col + " = ?";
          bind(f.value);
        }
        break;
      case Op::kNe: {
        // Frappe's ifnull(field, '') != value.
        const bool empty = f.value.is_text() && f.value.as_text().empty();
        if (f.value.is_null()) sql += cls ? "(" + col + " IS NOT NULL)" : std::string("0");
        else if (!cls) sql += empty ? "0" : "1";
        else if (mismatched(*cls, f.value)) sql += empty ? "(" + col + " IS NOT NULL)" : std::string("1");
        else if (*cls == ColumnClass::kText) {
          sql += "BINARY IFNULL(" + col + ", '') <> ?";
          bind(f.value);
        } else if (empty) {
          sql += "(" + col + " IS NOT NULL)";
        } else {
          sql += "(" + col + " IS NULL OR " + col + " <> ?)";
          bind(f.value);
        }
        break;
      }
      case Op::kLt: compare("<", f.value); break;
      case Op::kLe: compare("<=", f.value); break;
      case Op::kGt: compare(">", f.value); break;
      case Op::kGe: compare(">=", f.value); break;
      case Op::kBetween:
        sql += "(";
        compare(">=", f.values.at(0));
        sql += " AND ";
        compare("<=", f.values.at(1));
        sql += ")";
        break;
      case Op::kIn: {
        std::vector<const Value*> values;
        if (cls)
          for (const auto& v : f.values)
            if (!mismatched(*cls, v) && !(is_temporal(*cls) && v.to_text().empty()))
              values.push_back(&v);
        if (values.empty()) {
          sql += "0";
        } else if (*cls == ColumnClass::kText) {
          sql += "(" + col + " IN ";
          in_list(values);
          sql += " AND BINARY " + col + " IN ";
          in_list(values);
          sql += ")";
        } else {
          sql += col + " IN ";
          in_list(values);
        }
        break;
      }
      case Op::kNotIn: {
        // null counts as "": a null row matches unless "" is in the list.
        bool has_empty = false;
        std::vector<const Value*> values;
        for (const auto& v : f.values) {
          if (v.is_text() && v.as_text().empty()) has_empty = true;
          if (cls && !mismatched(*cls, v) && !(is_temporal(*cls) && v.to_text().empty()))
            values.push_back(&v);
        }
        if (f.values.empty()) {
          sql += "1";
        } else if (!cls) {
          sql += has_empty ? "0" : "1";
        } else if (*cls == ColumnClass::kText) {
          if (values.empty()) {
            sql += "1";
          } else {
            sql += "BINARY IFNULL(" + col + ", '') NOT IN ";
            in_list(values);
          }
        } else {
          std::string nulls = has_empty ? "0" : "(" + col + " IS NULL)";
          if (values.empty()) {
            sql += "(" + nulls + " OR " + col + " IS NOT NULL)";
          } else {
            sql += "(" + nulls + " OR " + col + " NOT IN ";
            in_list(values);
            sql += ")";
          }
        }
        break;
      }
      case Op::kLike: {
        const std::string& pattern = f.value.as_text();
        if (!cls) {
          sql += "0";
        } else if (*cls == ColumnClass::kText) {
          // The collation's LIKE (a superset: case- and accent-insensitive) can use the index;
          // the regular expression keeps exactly SQLite's matches.
          sql += "(" + col + " LIKE ? ESCAPE '|' AND " + col + " REGEXP ?)";
          bind(own(Value(like_pattern(pattern))));
          bind(own(Value(like_regex(pattern))));
        } else {
          sql += as_text() + " REGEXP ?";
          bind(own(Value(like_regex(pattern))));
        }
        break;
      }
      case Op::kNotLike: {
        const std::string& pattern = f.value.as_text();
        if (!cls) {
          sql += like_matches("", pattern) ? "0" : "1";
        } else {
          sql += "NOT (IFNULL(" + as_text() + ", '') REGEXP ?)";
          bind(own(Value(like_regex(pattern))));
        }
        break;
      }
      case Op::kIsSet:
        if (!cls) sql += "0";
        else if (*cls == ColumnClass::kText) sql += "LENGTH(" + col + ") > 0";  // '  ' is set
        else sql += "(" + col + " IS NOT NULL)";
        break;
      case Op::kIsNotSet:
        if (!cls) sql += "1";
        else if (*cls == ColumnClass::kText) sql += "IFNULL(LENGTH(" + col + "), 0) = 0";
        else sql += "(" + col + " IS NULL)";
        break;
    }
  }
}

void append_order(std::string& sql, std::string_view order_by, const ColumnLookup& column) {
  store_detail::append_order_by(
      sql, order_by, [&](std::string_view c) { return column(c) != nullptr; }, append_ident);
}

}  // namespace switchboard::mariadb
