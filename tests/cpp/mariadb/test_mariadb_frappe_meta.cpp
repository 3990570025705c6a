// MariaDbStore attached to a Frappe database (frappe=1), on a database holding Frappe's meta
// tables as a v15 site has them (the parts the store reads): doctypes, fields, custom fields,
// property setters, naming series, sequences and singles. The real site is checked by
// tests/frappe/mariadb_site_check.py.
#include "mariadb_test_support.h"
#include "switchboard/switchboard.h"
#include "switchboard/open_store.h"

using namespace switchboard;

namespace {

void frappe_meta(mariadb_test::Database& db) {
  auto& c = db.admin();
  const std::string d = "`" + db.name() + "`.";
  auto std_cols = [](bool child) {
    std::string s = "name varchar(140) NOT NULL PRIMARY KEY, creation datetime(6), modified datetime(6), "
                    "modified_by varchar(140), owner varchar(140), docstatus int(1) NOT NULL DEFAULT 0, "
                    "idx int(8) NOT NULL DEFAULT 0";
    if (child) s += ", parent varchar(140), parentfield varchar(140), parenttype varchar(140)";
    return s;
  };
  c.exec("CREATE TABLE " + d + "`tabDocType` (" + std_cols(false) +
         ", istable int(1) NOT NULL DEFAULT 0, issingle int(1) NOT NULL DEFAULT 0, autoname varchar(140))");
  c.exec("CREATE TABLE " + d + "`tabDocField` (" + std_cols(true) +
         ", fieldname varchar(140), fieldtype varchar(140), options text, `default` text, "
         "`unique` int(1) NOT NULL DEFAULT 0, search_index int(1) NOT NULL DEFAULT 0)");
  c.exec("CREATE TABLE " + d + "`tabCustom Field` (" + std_cols(false) +
         ", dt varchar(140), fieldname varchar(140), fieldtype varchar(140), options text, `default` text, "
         "`unique` int(1) NOT NULL DEFAULT 0, search_index int(1) NOT NULL DEFAULT 0)");
  c.exec("CREATE TABLE " + d + "`tabProperty Setter` (" + std_cols(false) +
         ", doc_type varchar(140), field_name varchar(140), property varchar(140), value text)");
  c.exec("CREATE TABLE " + d + "`tabSingles` (doctype varchar(255), field varchar(255), value text, "
         "KEY singles_doctype_field_index (doctype, field))");
  c.exec("CREATE TABLE " + d + "`tabSeries` (name varchar(100) NOT NULL PRIMARY KEY, current int(10) NOT NULL DEFAULT 0)");
  c.exec("INSERT INTO " + d + "`tabSingles` VALUES ('System Settings', 'time_zone', 'America/Chicago')");
  c.exec("INSERT INTO " + d + "`tabDocType` (name, istable, issingle, autoname) VALUES "
         "('SB Thing', 0, 0, 'naming_series:'), ('SB Auto', 0, 0, 'autoincrement'), "
         "('SB Settings', 0, 1, NULL), ('SB Row', 1, 0, NULL), ('SB Keyed', 0, 0, 'format:K-{code}-{###}')");
  c.exec("INSERT INTO " + d + "`tabDocField` (name, parent, parenttype, idx, fieldname, fieldtype, options, `default`) VALUES "
         "('f1', 'SB Thing', 'DocType', 1, 'naming_series', 'Select', 'SBT-.YYYY.-\\nOLD-.####', NULL),"
         "('f2', 'SB Thing', 'DocType', 2, 'title', 'Data', NULL, NULL),"
         "('f3', 'SB Thing', 'DocType', 3, 'kind', 'Select', 'Small\\nLarge', NULL),"
         "('f4', 'SB Thing', 'DocType', 4, 'qty', 'Int', NULL, '3'),"
         "('f5', 'SB Thing', 'DocType', 5, 'rows', 'Table', 'SB Row', NULL),"
         "('f6', 'SB Thing', 'DocType', 6, 'sb', 'Section Break', NULL, NULL),"
         "('f7', 'SB Row', 'DocType', 1, 'item', 'Data', NULL, NULL),"
         "('f8', 'SB Auto', 'DocType', 1, 'title', 'Data', NULL, NULL),"
         "('f9', 'SB Settings', 'DocType', 1, 'region', 'Data', NULL, 'US'),"
         "('f10', 'SB Settings', 'DocType', 2, 'tries', 'Int', NULL, NULL),"
         "('f11', 'SB Keyed', 'DocType', 1, 'code', 'Data', NULL, NULL)");
  c.exec("INSERT INTO " + d + "`tabCustom Field` (name, dt, fieldname, fieldtype) VALUES "
         "('SB Thing-custom_score', 'SB Thing', 'custom_score', 'Float')");
  c.exec("INSERT INTO " + d + "`tabProperty Setter` (name, doc_type, field_name, property, value) VALUES "
         "('ps1', 'SB Thing', 'kind', 'default', 'Large')");
  c.exec("CREATE TABLE " + d + "`tabSB Thing` (" + std_cols(false) +
         ", naming_series varchar(140), title varchar(140), kind varchar(140), qty int(11) NOT NULL DEFAULT 0, "
         "custom_score decimal(21,9), _user_tags text)");
  c.exec("CREATE TABLE " + d + "`tabSB Row` (" + std_cols(true) + ", item varchar(140))");
  c.exec("CREATE TABLE " + d + "`tabSB Auto` (name bigint NOT NULL PRIMARY KEY, creation datetime(6), "
         "modified datetime(6), modified_by varchar(140), owner varchar(140), "
         "docstatus int(1) NOT NULL DEFAULT 0, idx int(8) NOT NULL DEFAULT 0, title varchar(140))");
  c.exec("CREATE SEQUENCE " + d + "`sb_auto_id_seq` NOCACHE NOCYCLE");
  c.exec("CREATE TABLE " + d + "`tabSB Keyed` (" + std_cols(false) + ", code varchar(140))");
}

std::shared_ptr<const Schema> wanted() {
  auto s = std::make_shared<Schema>();
  auto plain = [](const char* name, bool child = false) {
    DocTypeDef d;
    d.name = name;
    d.is_child = child;
    return d;
  };
  s->add(plain("SB Thing"));
  s->add(plain("SB Row", true));
  s->add(plain("SB Auto"));
  s->add(plain("SB Settings"));
  s->add(plain("SB Keyed"));
  s->add(plain("SB Not On The Site"));
  return s;
}

}  // namespace

TEST_CASE("mariadb attached: schema, naming and singles from Frappe's meta tables") {
  if (!mariadb_test::server_url()) return mariadb_test::skip();
  mariadb_test::Database db;
  frappe_meta(db);
  MariaDbOptions o;
  o.schema = wanted();
  auto s = make_mariadb_store(mariadb_test::with_param(db.url(), "frappe=1"), o);
  const Schema& schema = s->schema();
  CHECK(schema.find("SB Not On The Site") == nullptr);  // only what the site has
  CHECK(s->time_zone() == "America/Chicago");          // the site's, as Frappe writes datetimes
  const DocTypeDef& thing = schema.get("SB Thing");
  CHECK(thing.naming == NamingRule::kSeries);
  CHECK(thing.naming_arg == "SBT-.YYYY.-.#####");  // the first naming_series option
  CHECK(thing.field("custom_score") != nullptr);  // a Custom Field
  CHECK(thing.field("custom_score")->type == FieldType::kReal);
  CHECK(thing.field("sb") == nullptr);  // layout fields have no column
  REQUIRE(thing.tables.size() == 1);
  CHECK(thing.tables[0].child_doctype == "SB Row");

  std::string year = std::to_string(1900 + [] { std::time_t t = std::time(nullptr); std::tm tm{}; localtime_r(&t, &tm); return tm.tm_year; }());
  std::string name = s->insert("SB Thing", {{"title", "First"}}, {{"rows", {Document{{"item", "a"}}}}});
  CHECK(name == "SBT-" + year + "-00001");
  auto doc = s->get("SB Thing", name);
  CHECK(doc->text("naming_series") == "SBT-.YYYY.-");  // Frappe's static defaults
  CHECK(doc->text("kind") == "Large");                 // a Property Setter's default
  CHECK(doc->get("qty") == Value(3));
  CHECK(s->count("SB Row", {Filter("parent", name)}) == 1);
  CHECK(db.admin().query("SELECT current FROM `" + db.name() + "`.`tabSeries` WHERE name = 'SBT-" + year + "-'")
            .at(0).at(0) == Value(1));
  // Not a column of the site's table: refused, the table is not altered.
  CHECK_THROWS_AS(s->insert("SB Thing", {{"custom_unknown", 1}}), ValidationError);

  // Autoincrement: the sequence names it; a given number moves the sequence past it.
  std::string a1 = s->insert("SB Auto", {{"title", "one"}});
  CHECK(a1 == "1");
  CHECK(s->insert("SB Auto", {{"name", "10"}, {"title", "ten"}}) == "10");
  CHECK(s->insert("SB Auto", {{"title", "next"}}) == "11");
  CHECK(s->get("SB Auto", "10")->text("title") == "ten");

  // format: naming.
  CHECK(s->insert("SB Keyed", {{"code", "X"}}) == "K-X-001");

  // A single doctype lives in tabSingles.
  CHECK_FALSE(s->get("SB Settings", "SB Settings"));
  CHECK(s->insert("SB Settings", {{"tries", 2}}) == "SB Settings");
  auto settings = s->get("SB Settings", "SB Settings");
  REQUIRE(settings);
  CHECK(settings->get("tries") == Value(2));
  CHECK(settings->text("region") == "US");
  s->update("SB Settings", "SB Settings", {{"tries", 5}});
  CHECK(s->get("SB Settings", "SB Settings")->get("tries") == Value(5));
  CHECK(s->find("SB Settings", {Filter("tries", Op::kGt, 4)}).size() == 1);
  CHECK(s->count("SB Settings", {Filter("tries", Op::kGt, 9)}) == 0);
  auto rows = db.admin().query("SELECT value FROM `" + db.name() +
                               "`.`tabSingles` WHERE doctype = 'SB Settings' AND field = 'tries'");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0][0].to_text() == "5");
}

TEST_CASE("mariadb attached: open_store(backend) adopts the site as make_mariadb_store does") {
  if (!mariadb_test::server_url()) return mariadb_test::skip();
  mariadb_test::Database db;
  frappe_meta(db);
  auto backend = make_mariadb_backend(mariadb_test::with_param(db.url(), "frappe=1"));
  auto s = open_store(backend, wanted(), /*seed_defaults=*/true);
  CHECK(s->schema().find("SB Not On The Site") == nullptr);
  CHECK(s->schema().get("SB Thing").field("custom_score") != nullptr);
  CHECK(s->time_zone() == "America/Chicago");
}
