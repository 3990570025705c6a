// MariaDbStore attached to a Frappe site's database: the schema read from Frappe's meta tables
// (tabDocType, tabDocField, tabCustom Field, tabProperty Setter), single doctypes stored in
// tabSingles, and autoincrement names from the doctype's sequence — what Frappe v15's
// frappe.model.naming and meta do, so that Frappe loads and saves what the store writes.
#include <charconv>
#include <cstdlib>
#include <map>

#include "mariadb_backend.h"
#include "switchboard/error.h"

namespace switchboard::mariadb {
namespace {

// Field types without a column (layout, tables) and those that are numbers or dates.
bool has_no_column(const std::string& t) {
  return t == "Section Break" || t == "Column Break" || t == "Tab Break" || t == "HTML" ||
         t == "Button" || t == "Image" || t == "Heading" || t == "Fold" || t == "Table" ||
         t == "Table MultiSelect";
}

FieldType field_type(const std::string& t) {
  if (t == "Int" || t == "Check" || t == "Long Int") return FieldType::kInt;
  if (t == "Float" || t == "Currency" || t == "Percent" || t == "Duration" || t == "Rating")
    return FieldType::kReal;
  if (t == "Date") return FieldType::kDate;
  if (t == "Datetime") return FieldType::kDatetime;
  return FieldType::kText;
}

bool is_standard(const std::string& f) {
  return f == "name" || f == "owner" || f == "creation" || f == "modified" ||
         f == "modified_by" || f == "docstatus" || f == "idx" || f == "parent" ||
         f == "parenttype" || f == "parentfield";
}

// Frappe's static default of a field on a new document (create_new.get_static_default_value):
// literal defaults, "__user" (the store writes as Administrator), a Select's first option.
Value static_default(const std::string& fieldtype, FieldType type, const std::string& dflt,
                     const std::string& options) {
  if (!dflt.empty()) {
    if (dflt == "__user") return Value("Administrator");
    if (dflt == "Today" || dflt == "Now" || dflt == "now" || dflt.front() == ':' ||
        dflt.rfind("eval:", 0) == 0)
      return Value();  // computed by Frappe's ORM at save time; not a stored constant
    if (type == FieldType::kInt) {
      std::int64_t i = 0;
      auto r = std::from_chars(dflt.data(), dflt.data() + dflt.size(), i);
      return r.ec == std::errc() ? Value(i) : Value();
    }
    if (type == FieldType::kReal) {
      char* end = nullptr;
      double d = std::strtod(dflt.c_str(), &end);
      return end && *end == '\0' ? Value(d) : Value();
    }
    return Value(dflt);
  }
  if (fieldtype == "Select" && !options.empty() && options != "[Select]" &&
      options != "Loading...") {
    std::string first = options.substr(0, options.find('\n'));
    if (!first.empty()) return Value(first);
  }
  return Value();
}

// "format:LOG-{MM}-{field}-{#####}" as a naming-series pattern "LOG-.MM.-.{field}.-.#####".
std::string format_to_series(const std::string& format) {
  std::string out;
  for (std::size_t i = 0; i < format.size();) {
    if (format[i] == '{') {
      std::size_t close = format.find('}', i);
      if (close == std::string::npos) break;
      std::string inner = format.substr(i + 1, close - i - 1);
      bool token = inner.find_first_not_of('#') == std::string::npos || inner == "YYYY" ||
                   inner == "YY" || inner == "MM" || inner == "DD";
      out += "." + (token ? inner : "{" + inner + "}") + ".";
      i = close + 1;
    } else {
      out += format[i++];
    }
  }
  return out;
}

struct FieldRow {
  std::string fieldname, fieldtype, options, dflt;
  bool unique = false, indexed = false;
};

}  // namespace

std::shared_ptr<Schema> MariaDbBackend::read_site_schema(const Schema& wanted) {
  Connection& c = *conn_;
  std::string names;
  for (const auto& def : wanted.doctypes()) names += (names.empty() ? "" : ", ") + c.quote(def->name);
  if (names.empty()) names = "''";
  struct Meta {
    bool is_child = false, single = false;
    std::string autoname;
    std::vector<FieldRow> fields;
  };
  std::map<std::string, Meta> meta;
  for (auto& row : c.query("SELECT name, istable, issingle, IFNULL(autoname, '') FROM `tabDocType` "
                           "WHERE name IN (" + names + ")")) {
    Meta& m = meta[row[0].as_text()];
    m.is_child = row[1].as_int() != 0;
    m.single = row[2].as_int() != 0;
    m.autoname = row[3].to_text();
  }
  auto add_fields = [&](const std::string& sql) {
    for (auto& row : c.query(sql)) {
      auto it = meta.find(row[0].as_text());
      if (it == meta.end()) continue;
      FieldRow f{row[1].to_text(), row[2].to_text(), row[3].to_text(), row[4].to_text(),
                 row[5].to_text() == "1", row[6].to_text() == "1"};
      it->second.fields.push_back(std::move(f));
    }
  };
  add_fields("SELECT parent, fieldname, fieldtype, IFNULL(options, ''), IFNULL(`default`, ''), "
             "`unique`, search_index FROM `tabDocField` WHERE parenttype = 'DocType' AND "
             "parent IN (" + names + ") ORDER BY parent, idx");
  add_fields("SELECT dt, fieldname, fieldtype, IFNULL(options, ''), IFNULL(`default`, ''), "
             "`unique`, search_index FROM `tabCustom Field` WHERE dt IN (" + names +
             ") ORDER BY dt, idx");
  // Property Setters change a doctype's naming or a field's type, options and default.
  for (auto& row : c.query("SELECT doc_type, IFNULL(field_name, ''), property, IFNULL(value, '') "
                           "FROM `tabProperty Setter` WHERE doc_type IN (" + names + ") AND "
                           "property IN ('autoname', 'fieldtype', 'options', 'default', 'unique') "
                           "ORDER BY modified")) {
    auto it = meta.find(row[0].as_text());
    if (it == meta.end()) continue;
    const std::string field = row[1].to_text(), property = row[2].to_text(), value = row[3].to_text();
    if (field.empty()) {
      if (property == "autoname") it->second.autoname = value;
      continue;
    }
    for (auto& f : it->second.fields) {
      if (f.fieldname != field) continue;
      if (property == "fieldtype") f.fieldtype = value;
      else if (property == "options") f.options = value;
      else if (property == "default") f.dflt = value;
      else if (property == "unique") f.unique = value == "1";
    }
  }

  auto out = std::make_shared<Schema>();
  for (const auto& w : wanted.doctypes()) {
    auto it = meta.find(w->name);
    if (it == meta.end()) {
      if (w->name == "Series") out->add(*w);  // tabSeries is Frappe's, without a DocType
      continue;
    }
    const Meta& m = it->second;
    DocTypeDef d;
    d.name = w->name;
    d.is_child = m.is_child;
    std::string series_options;
    for (const auto& f : m.fields) {
      if (f.fieldtype == "Table" || f.fieldtype == "Table MultiSelect") {
        if (!f.options.empty()) d.tables.push_back({f.fieldname, f.options});
        continue;
      }
      if (has_no_column(f.fieldtype) || is_standard(f.fieldname) || f.fieldname.empty()) continue;
      if (!is_valid_field_name(f.fieldname) || d.field(f.fieldname)) continue;
      FieldDef fd;
      fd.name = f.fieldname;
      fd.type = field_type(f.fieldtype);
      fd.unique = f.unique;
      fd.indexed = f.indexed || f.unique;
      fd.default_value = static_default(f.fieldtype, fd.type, f.dflt, f.options);
      // Where Frappe leaves the value to a controller (a lead's status, a ticket's priority),
      // the library's own default: Frappe validates what a controller would have set.
      if (fd.default_value.is_null())
        if (const FieldDef* library = w->field(f.fieldname)) fd.default_value = library->default_value;
      if (f.fieldname == "naming_series") series_options = f.options;
      d.fields.push_back(std::move(fd));
      d.finalize();
    }
    const std::string& autoname = m.autoname;
    auto has_field = [&](const std::string& f) { return d.field(f) != nullptr; };
    if (m.single) {
      d.naming = NamingRule::kSingle;
    } else if (autoname.rfind("field:", 0) == 0 && has_field(autoname.substr(6))) {
      d.naming = NamingRule::kField;
      d.naming_arg = autoname.substr(6);
      if (w->naming == NamingRule::kField && w->naming_arg == d.naming_arg)
        d.dedupe_separator = w->dedupe_separator;
    } else if (autoname.rfind("naming_series:", 0) == 0) {
      // The naming_series field's default (or first option), as set_name_by_naming_series.
      std::string series;
      if (const FieldDef* f = d.field("naming_series"); f && f->default_value.is_text())
        series = f->default_value.as_text();
      d.naming = NamingRule::kSeries;
      d.naming_arg = !series.empty() ? series + ".#####"
                     : w->naming == NamingRule::kSeries ? w->naming_arg
                                                        : d.name + "-.#####";
    } else if (autoname.rfind("format:", 0) == 0) {
      d.naming = NamingRule::kSeries;
      d.naming_arg = format_to_series(autoname.substr(7));
      if (d.naming_arg.find('#') == std::string::npos) d.naming_arg += ".#####";
    } else if (autoname.find('#') != std::string::npos) {
      d.naming = NamingRule::kSeries;
      d.naming_arg = autoname;
    } else if ((autoname.empty() || autoname == "hash") && w->naming == NamingRule::kField &&
               has_field(w->naming_arg)) {
      // Named by the controller (Contact): the library's rule for it, when the site has the field.
      d.naming = NamingRule::kField;
      d.naming_arg = w->naming_arg;
      d.dedupe_separator = w->dedupe_separator;
    } else {
      d.naming = NamingRule::kHash;  // hash, prompt, autoincrement (the sequence names it)
    }
    for (const auto& derived : w->derived) {
      bool complete = true;
      for (const auto& f : derived.sources) complete = complete && has_field(f);
      for (const auto& f : derived.targets) complete = complete && has_field(f);
      if (complete) d.derived.push_back(derived);
    }
    out->add(std::move(d));
  }
  return out;
}

std::string MariaDbBackend::read_site_time_zone() {
  std::string zone;
  for (auto& row : conn_->query("SELECT IFNULL(`value`, '') FROM `tabSingles` WHERE `doctype` = "
                                "'System Settings' AND `field` = 'time_zone'"))
    zone = row[0].to_text();
  // Frappe v15's own fallback (frappe.utils.get_system_timezone) for a site that never set one.
  return zone.empty() ? "Asia/Kolkata" : zone;
}

std::optional<Document> MariaDbBackend::single_get(const TableInfo& t) {
  static const std::string sql =
      "SELECT `field`, `value` FROM `tabSingles` WHERE `doctype` = ?";
  const Value key(t.def->name);
  Document doc;
  bool any = false;
  select(sql, {&key}, [&](std::vector<Value>& row) {
    any = true;
    const std::string field = row[0].to_text();
    if (!is_valid_field_name(field)) return;
    const FieldDef* f = t.def->field(field);
    Value v = std::move(row[1]);
    if (f && !v.is_null()) {
      const std::string text = v.to_text();
      if (f->type == FieldType::kInt) {
        std::int64_t i = 0;
        std::from_chars(text.data(), text.data() + text.size(), i);
        v = Value(i);
      } else if (f->type == FieldType::kReal) {
        v = Value(std::strtod(text.c_str(), nullptr));
      }
    }
    if (f || !v.is_null()) doc.set(field, std::move(v));
  });
  if (!any) return std::nullopt;
  for (const auto& f : t.def->columns())
    if (!doc.contains(f.name)) doc.set(f.name, Value());
  doc.set("name", Value(t.def->name));
  return doc;
}

void MariaDbBackend::single_write(const TableInfo& t, const Document& doc, bool replace_all) {
  const Value dt(t.def->name);
  if (replace_all) exec("DELETE FROM `tabSingles` WHERE `doctype` = ?", {&dt});
  static const std::string del = "DELETE FROM `tabSingles` WHERE `doctype` = ? AND `field` = ?";
  static const std::string ins = "INSERT INTO `tabSingles` (`doctype`, `field`, `value`) VALUES (?, ?, ?)";
  for (const auto& [k, v] : doc) {
    if (k == "doctype") continue;
    const Value field(k);
    if (!replace_all) exec(del, {&dt, &field});
    const Value text = v.is_null() ? Value() : Value(v.to_text());
    exec(ins, {&dt, &field, &text});
  }
}

std::string MariaDbBackend::next_sequence_name(TableInfo& t, const Document& doc) {
  // A numeric name given by the caller is used and moves the sequence past it (Frappe's
  // validate_name); anything else takes the sequence's next value.
  const std::string given = doc.text("name");
  const bool numeric = !given.empty() && given.find_first_not_of("0123456789") == std::string::npos;
  const std::string seq = ident(t.sequence);
  if (numeric) {  // SETVAL takes no placeholders: the number is written out (digits only)
    const std::string sql = "SELECT SETVAL(" + seq + ", " + std::to_string(std::stoll(given)) + ", 1)";
    run("naming", t.def->name, false, [&] {
      select(sql, {}, [](std::vector<Value>&) {});
      return 0;
    });
    return given;
  }
  std::int64_t next = 0;
  run("naming", t.def->name, false, [&] {
    select("SELECT NEXTVAL(" + seq + ")", {}, [&](std::vector<Value>& row) { next = row[0].as_int(); });
    return 0;
  });
  return std::to_string(next);
}

}  // namespace switchboard::mariadb
