// Stored phone keys: maintained on every insert and update through the library, indexed in
// SQLite, versioned, and re-keyed by PhoneMerger::rekey when written otherwise.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <set>

#include "merge_fixtures.h"

using namespace switchboard;
using namespace merge_fixtures;

namespace {

// Runs SQL on a SQLite file behind the store's back, as another program (Frappe) would.
void raw_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) MESSAGE(error);
  sqlite3_free(error);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

std::set<std::string> indexed_columns(const std::string& path, const std::string& table) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  std::string sql = "SELECT ii.name FROM pragma_index_list('" + table +
                    "') il, pragma_index_info(il.name) ii";
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  std::set<std::string> out;
  while (sqlite3_step(st) == SQLITE_ROW) out.insert(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

}  // namespace

TEST_CASE_TEMPLATE("stored keys: every keyed doctype, on insert, update and update_where", F, Memory,
                   Sqlite) {
  auto store = F::make();
  Store& s = *store;
  std::string lead = s.insert("CRM Lead", {{"mobile_no", "+1 (555) 123-4567"}, {"phone", "555.987.6543 x 12"}});
  auto l = s.get("CRM Lead", lead);
  CHECK(l->text("custom_mobile_no_key") == "+15551234567");
  CHECK(l->get("custom_mobile_no_ext").is_null());
  CHECK(l->text("custom_phone_key") == "+15559876543");
  CHECK(l->text("custom_phone_ext") == "12");
  CHECK(l->integer(kPhoneKeyVersionField) == kPhoneKeyVersion);
  std::string deal = s.insert("CRM Deal", {{"mobile_no", "15551234567"}});
  CHECK(s.get("CRM Deal", deal)->text("custom_mobile_no_key") == "+15551234567");
  std::string contact = s.insert("Contact", {{"full_name", "Ann"}},
                                 {{"phone_nos", {Document{{"phone", "555-123-4567"}}, Document{{"phone", "12"}}}}});
  auto rows = s.find("Contact Phone", Query{Filter("parent", Value(contact))}.order("idx"));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].text("custom_phone_key") == "+15551234567");
  CHECK(rows[1].get("custom_phone_key").is_null());  // "12" never gets a key
  std::string ticket = s.insert("HD Ticket", {{"subject", "x"}, {"contact_mobile", "(555) 123-4567"}});
  CHECK(s.get("HD Ticket", ticket)->text("custom_contact_mobile_key") == "+15551234567");
  std::string crm_call = s.insert("CRM Call Log", {{"id", "c1"}, {"from", "5551234567"}, {"to", "+44 20 7946 0958"}});
  CHECK(s.get("CRM Call Log", crm_call)->text("custom_from_key") == "+15551234567");
  CHECK(s.get("CRM Call Log", crm_call)->text("custom_to_key") == "+442079460958");
  std::string hd_call = s.insert("Helpdesk Call Log", {{"call_id", "h1"}, {"from_number", "+1 555 123 4567"}});
  CHECK(s.get("Helpdesk Call Log", hd_call)->text("custom_from_number_key") == "+15551234567");
  CHECK(s.get("Helpdesk Call Log", hd_call)->get("custom_to_number_key").is_null());

  // Updates keep them current; clearing a number clears its key.
  s.update("CRM Lead", lead, {{"mobile_no", "555 000 1111"}});
  l = s.get("CRM Lead", lead);
  CHECK(l->text("custom_mobile_no_key") == "+15550001111");
  CHECK(l->text("custom_phone_key") == "+15559876543");  // untouched field, key kept
  CHECK(l->text("custom_phone_ext") == "12");
  s.update("CRM Lead", lead, {{"phone", ""}});
  CHECK(s.get("CRM Lead", lead)->get("custom_phone_key").is_null());
  CHECK(s.get("CRM Lead", lead)->get("custom_phone_ext").is_null());
  s.update_where("HD Ticket", {Filter("name", Value(ticket))}, {{"contact_mobile", "+44 7700 900123"}});
  CHECK(s.get("HD Ticket", ticket)->text("custom_contact_mobile_key") == "+447700900123");
  s.update_where("Contact Phone", {Filter("parent", Value(contact))}, {{"is_primary_mobile_no", 1}});
  CHECK(s.find("Contact Phone", Query{Filter("custom_phone_key", Value("+15551234567"))}).size() == 1);
  // A forged key is replaced by the real one.
  s.update("HD Ticket", ticket, {{"custom_contact_mobile_key", "+19999999999"}});
  CHECK(s.get("HD Ticket", ticket)->text("custom_contact_mobile_key") == "+447700900123");
}

TEST_CASE("stored keys: indexed in SqliteStore") {
  test_support::TempDir dir;
  const std::string path = dir.file("keys.sqlite");
  { auto s = make_sqlite_store(path); }
  for (const auto& doctype : keyed_doctypes()) {
    CAPTURE(doctype);
    auto columns = indexed_columns(path, "tab" + doctype);
    for (const auto& f : phone_key_fields(doctype)) CHECK(columns.count(f.key) == 1);
  }
  CHECK(indexed_columns(path, "tabCRM Lead").count("custom_merged_into") == 1);
  CHECK(indexed_columns(path, std::string("tab") + kMergeLogDoctype).count("source_name") == 1);
}

TEST_CASE("stored keys: rekey rewrites rows keyed by an older version, another region or elsewhere") {
  test_support::TempDir dir;
  const std::string path = dir.file("rekey.sqlite");
  std::shared_ptr<Store> store = make_sqlite_store(path);
  std::string a = store->insert("CRM Lead", {{"mobile_no", "98455 52671"}});
  std::string b = store->insert("CRM Lead", {{"mobile_no", "555 123 4567"}});
  std::string c = store->insert("CRM Lead", {{"first_name", "no phone"}});
  PhoneMerger merger(store);
  auto clean = merger.rekey("CRM Lead");
  CHECK(clean.scanned == 3);
  CHECK(clean.updated == 0);

  // Rows written by an older version, and a number set by another program.
  raw_sql(path, "UPDATE \"tabCRM Lead\" SET custom_phone_key_version = 0 WHERE name = '" + b + "'");
  raw_sql(path, "UPDATE \"tabCRM Lead\" SET mobile_no = '+1 555 222 3333' WHERE name = '" + c + "'");
  store = make_sqlite_store(path);
  PhoneMerger fresh(store);
  std::vector<std::int64_t> progress;
  auto report = fresh.rekey("CRM Lead", [&](std::int64_t done, std::int64_t) { progress.push_back(done); });
  CHECK(report.updated == 2);
  CHECK_FALSE(progress.empty());
  CHECK(store->get("CRM Lead", b)->integer(kPhoneKeyVersionField) == kPhoneKeyVersion);
  CHECK(store->get("CRM Lead", c)->text("custom_mobile_no_key") == "+15552223333");

  // The site moves to India: keys read in the store's new region.
  SiteConfig india = *store->site();
  india.region = "IN";
  store->set_site(india);
  auto moved = fresh.rekey("CRM Lead");
  CHECK(moved.updated == 2);  // a and b change; c had a country code
  CHECK(store->get("CRM Lead", a)->text("custom_mobile_no_key") == "+919845552671");
  CHECK(fresh.rekey("CRM Lead").updated == 0);
  CHECK_THROWS_AS(fresh.rekey("Communication"), ValidationError);
}

TEST_CASE("stored keys: on_phone_changed refreshes keys a form wrote without them") {
  test_support::TempDir dir;
  const std::string path = dir.file("frappe.sqlite");
  std::string old_lead, new_lead;
  {
    auto s = make_sqlite_store(path);
    old_lead = s->insert("CRM Lead", {{"first_name", "Jane"}});
    new_lead = s->insert("CRM Lead", {{"first_name", "Caller"}, {"mobile_no", "+1 (555) 123-4567"}});
    lead_call(*s, "rc-1", new_lead);
  }
  // Frappe's form saves the number straight into the table: no key.
  raw_sql(path, "UPDATE \"tabCRM Lead\" SET mobile_no = '555.123.4567' WHERE name = '" + old_lead + "'");
  std::shared_ptr<Store> store = make_sqlite_store(path);
  PhoneMerger merger(store);
  auto dry = merger.on_phone_changed("CRM Lead", old_lead, true);
  CHECK(dry.keys_refreshed);
  CHECK(store->get("CRM Lead", old_lead)->get("custom_mobile_no_key").is_null());  // dry: untouched
  auto report = merger.on_phone_changed("CRM Lead", old_lead);
  dry.dry_run = false;
  CHECK(dry == report);
  CHECK(report.keys_refreshed);
  CHECK(report.sources() == std::vector<std::string>{new_lead});
  CHECK(store->get("CRM Lead", old_lead)->text("custom_mobile_no_key") == "+15551234567");
  CHECK(names_where(*store, "CRM Call Log", "reference_docname", old_lead).size() == 1);
}
