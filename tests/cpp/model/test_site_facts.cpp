// Every service takes its site facts from its store's SiteConfig: a GB store keys
// "020 7946 0958" as +442079460958 in routing, merging, transfers, call logging and
// click-to-call with no region argument anywhere, and a US store in the same process keeps
// its own answers.
#include <doctest/doctest.h>

#include "switchboard/switchboard.h"
#include "test_support.h"

using namespace switchboard;

namespace {

constexpr const char* kLondon = "020 7946 0958";
constexpr const char* kLondonKey = "+442079460958";

struct Sites {
  std::shared_ptr<Store> gb = test_support::site_store("GB");
  std::shared_ptr<Store> us = test_support::site_store("US");
};

InboundEmail mail(const std::string& id, const std::string& from, const std::string& to) {
  InboundEmail e;
  e.message_id = id;
  e.sender = from;
  e.to = {to};
  e.subject = "Hello";
  e.email_account = "Support";
  return e;
}

}  // namespace

TEST_CASE("site facts: stored keys and routing follow each store's site") {
  Sites s;
  for (auto* store : {s.gb.get(), s.us.get()})
    store->insert("CRM Lead", {{"first_name", "Ann"}, {"email", "ann@example.co.uk"}, {"mobile_no", kLondon}});
  auto key_of = [](Store& store) {
    return store.find_one("CRM Lead", Query().select({"custom_mobile_no_key"}))->text("custom_mobile_no_key");
  };
  CHECK(key_of(*s.gb) == kLondonKey);
  CHECK(key_of(*s.us).empty());  // not a number in the US
  // The router links the sender's lead (keyed in its site's region) on both stores...
  for (auto& store : {s.gb, s.us}) {
    RouteResult r = Router(store).route(mail("m1@x", "ann@example.co.uk", "sales@zipcushions.com"));
    CHECK(r.action == "link_lead");
  }
  // ...and each router reads its own store's aliases and domains.
  SiteConfig other = *s.us->site();
  other.company_domains = {"shop.example"};
  other.support_aliases = {"help@shop.example"};
  other.sales_aliases = other.info_aliases = {};
  s.us->set_site(other);
  Router gb_router(s.gb), us_router(s.us);
  CHECK(gb_router.plan(mail("m2@x", "bob@y.org", "support@zipcushions.com")).reason == "support_alias");
  CHECK(us_router.plan(mail("m2@x", "bob@y.org", "support@zipcushions.com")).reason == "new_customer");
  CHECK(us_router.plan(mail("m3@x", "bob@y.org", "help@shop.example")).reason == "support_alias");
  CHECK(us_router.plan(mail("m4@x", "sam@shop.example", "help@shop.example")).reason == "internal");
  CHECK(gb_router.plan(mail("m4@x", "sam@zipcushions.com", "help@shop.example")).reason == "internal");
}

TEST_CASE("site facts: merging keys raw numbers on the store's site") {
  Sites s;
  for (auto* store : {s.gb.get(), s.us.get()}) {
    store->insert("CRM Lead", {{"first_name", "Old"}, {"mobile_no", "+44 20 7946 0958"}});
    store->insert("CRM Lead", {{"first_name", "New"}, {"mobile_no", kLondon}});
  }
  PhoneMerger gb(s.gb), us(s.us);
  CHECK(gb.find_duplicates("CRM Lead", kLondon).size() == 2);
  CHECK(us.find_duplicates("CRM Lead", kLondon).empty());
  CHECK(us.find_duplicates("CRM Lead", "+44 20 7946 0958").size() == 1);
  CHECK(gb.bulk_merge("CRM Lead").records_merged() == 1);
  CHECK(us.bulk_merge("CRM Lead").records_merged() == 0);
}

TEST_CASE("site facts: transfers key the customer's phone on the store's site") {
  Sites s;
  for (auto& store : {s.gb, s.us}) {
    std::string lead = store->insert(
        "CRM Lead", {{"first_name", "Ann"}, {"last_name", "Lee"}, {"email", "ann@example.co.uk"},
                     {"mobile_no", kLondon}});
    TransferResult r = transfer_lead_to_ticket(*store, lead);  // TransferOptions{}: no region
    REQUIRE(r.success);
    auto phones = store->find("Contact Phone", Query{Filter("parent", r.contact)});
    auto ticket = store->get("HD Ticket", r.name);
    if (store == s.gb) {
      REQUIRE(phones.size() == 1);  // the customer's phone is kept...
      CHECK(phones[0].text("custom_phone_key") == kLondonKey);
      CHECK(ticket->text("custom_contact_mobile_key") == kLondonKey);
    } else {
      CHECK(phones.empty());  // ...a number the US site cannot read is not made a phone row
      CHECK(ticket->text("custom_contact_mobile_key").empty());
    }
  }
  // The site's company domains are the staff's: a transfer never takes them for the customer.
  std::string lead = s.gb->insert("CRM Lead", {{"first_name", "Rep"}, {"email", "rep@zipcushions.com"}});
  CHECK(transfer_lead_to_ticket(*s.gb, lead).customer_email.empty());
}

TEST_CASE("site facts: call logging and click-to-call read numbers on the store's site") {
  Sites s;
  std::string gb_ticket = s.gb->insert("HD Ticket", {{"subject", "x"}, {"contact_mobile", "+44 20 7946 0958"}});
  s.us->insert("HD Ticket", {{"subject", "x"}, {"contact_mobile", "+44 20 7946 0958"}});
  const std::string call = std::string(R"({"call_id": "c1", "direction": "Inbound", "from_number": ")") +
                           kLondon + R"(", "to_number": "+15559876543"})";
  CallLogger gb(s.gb), us(s.us);  // CallLoggerOptions{}: region and company numbers from the site
  IngestResult g = gb.ingest(parse_call_event(call));
  CHECK(g.customer_key == kLondonKey);
  CHECK(g.ticket == gb_ticket);
  IngestResult u = us.ingest(parse_call_event(call));
  CHECK(u.customer_key.empty());
  CHECK(u.ticket.empty());
  // The company's own number (the site's) is never the customer.
  IngestResult own = gb.ingest(parse_call_event(
      R"({"call_id": "c2", "direction": "Outbound", "from_number": "+44 20 7946 0000", "to_number": "+15559876543"})"));
  CHECK(own.customer_key.empty());

  std::string contact = s.gb->insert("Contact", {{"full_name", "Ann Lee"}},
                                     {{"phone_nos", {Document{{"phone", kLondon}}}}});
  std::string log = gb.create_manual_call_log(kLondon);
  CHECK(s.gb->get("Helpdesk Call Log", log)->text("contact") == contact);
  CHECK(s.gb->get("Helpdesk Call Log", log)->text("from_number") == "+15559876543");
  CHECK_THROWS_AS(us.create_manual_call_log(kLondon), ValidationError);
  CHECK(click_to_call(kLondon, *s.gb->site()).e164 == kLondonKey);
  CHECK_THROWS_AS(click_to_call(kLondon, *s.us->site()), ValidationError);
}

TEST_CASE("site facts: a service follows a site changed after it was made") {
  auto store = test_support::site_store("US");
  Router router(store);
  CallLogger logger(store);
  PhoneMerger merger(store);
  CHECK(router.plan(mail("m1@x", "bob@y.org", "support@zipcushions.com")).reason == "support_alias");
  CHECK(merger.find_duplicates("CRM Lead", kLondon).empty());
  SiteConfig gb = *store->site();
  gb.region = "GB";
  gb.support_aliases = {};
  store->set_site(gb);
  CHECK(router.plan(mail("m1@x", "bob@y.org", "support@zipcushions.com")).reason == "new_customer");
  store->insert("CRM Lead", {{"first_name", "Ann"}, {"mobile_no", kLondon}});
  CHECK(merger.find_duplicates("CRM Lead", kLondon).size() == 1);
  IngestResult r = logger.ingest(parse_call_event(
      std::string(R"({"call_id": "c1", "direction": "Inbound", "from_number": ")") + kLondon + "\"}"));
  CHECK(r.customer_key == kLondonKey);
}

TEST_CASE("site facts: saving other regions rekeys the stored keys in the same transaction") {
  auto store = test_support::site_store("US");
  save_site_config(*store, *store->site());
  std::string ticket = store->insert("HD Ticket", {{"subject", "London"}, {"contact_mobile", kLondon}});
  std::string lead = store->insert("CRM Lead", {{"first_name", "Ann"}, {"mobile_no", kLondon}});
  std::string contact = store->insert("Contact", {{"full_name", "Ann Lee"}},
                                      {{"phone_nos", {Document{{"phone", kLondon}}}}});
  const std::string row = store->find("Contact Phone", Query{Filter("parent", Value(contact))})[0].text("name");
  CHECK(store->get("HD Ticket", ticket)->get("custom_contact_mobile_key").is_null());  // not a US number

  // Facts that read numbers alike (another alias) rewrite no key.
  SiteConfig aliases = *store->site();
  aliases.support_aliases.push_back("help@zipcushions.com");
  save_site_config(*store, aliases);
  for (const auto& r : rekey_all_phone_keys(*store)) CHECK(r.updated == 0);

  // A British fallback: every keyed doctype is keyed again, as a fresh insert would be.
  SiteConfig gb = aliases;
  gb.fallback_regions = {"GB"};
  const std::string untouched = store->get("HD Ticket", ticket)->text("modified");
  save_site_config(*store, gb);
  CHECK(store->get("HD Ticket", ticket)->text("custom_contact_mobile_key") == kLondonKey);
  CHECK(store->get("HD Ticket", ticket)->text("modified") == untouched);  // not an edit
  CHECK(store->get("CRM Lead", lead)->text("custom_mobile_no_key") == kLondonKey);
  CHECK(store->get("Contact Phone", row)->text("custom_phone_key") == kLondonKey);
  CHECK(load_site_config(*store).fallback_regions == std::vector<std::string>{"GB"});
  for (const auto& r : rekey_all_phone_keys(*store)) CHECK(r.updated == 0);
  CHECK(rekey_all_phone_keys(*store).size() == keyed_doctypes().size());
  CHECK_THROWS_AS(rekey_phone_keys(*store, "Communication"), ValidationError);

  // Assigned in memory first (Python's `store.site = ...; store.save_site()`): the stored
  // facts still say how the keys were computed, so they are rekeyed all the same.
  SiteConfig us = gb;
  us.fallback_regions.clear();
  store->set_site(us);
  save_site_config(*store, *store->site());
  CHECK(store->get("HD Ticket", ticket)->get("custom_contact_mobile_key").is_null());
}

TEST_CASE("site facts: a save that fails while rekeying leaves the facts and the keys as they were") {
  auto inner = test_support::site_store("US");
  save_site_config(*inner, *inner->site());
  for (int i = 0; i < 3; ++i) inner->insert("CRM Lead", {{"first_name", "Ann"}, {"mobile_no", kLondon}});
  auto store = make_faulty_store(inner);
  const auto before = test_support::snapshot(*inner);
  SiteConfig gb = *store->site();
  gb.fallback_regions = {"GB"};
  for (std::int64_t k = 1; k <= 4; ++k) {  // the settings row, then each lead
    faults(*store).arm(FaultPlan{k});
    CHECK_THROWS_AS(save_site_config(*store, gb), StoreError);
    CHECK(test_support::snapshot(*inner) == before);
    CHECK(store->site()->fallback_regions.empty());
  }
  faults(*store).arm(FaultPlan{});
  save_site_config(*store, gb);
  CHECK(store->find("CRM Lead", Query{Filter("custom_mobile_no_key", Value(kLondonKey))}).size() == 3);
}

namespace {

std::string recorded_signature(Store& store) {
  return store.get(kSiteSettingsDoctype, kSiteSettingsDoctype)->get(kPhoneKeysSignatureField).to_text();
}

// A London ticket keyed as a US site keys it (no key), whatever the stored facts say: the
// row a program without the British fallback wrote.
std::string unkeyed_london_ticket(Store& store) {
  const auto stored = store.site();
  SiteConfig us = *stored;
  us.fallback_regions.clear();
  store.set_site(us);
  std::string ticket = store.insert("HD Ticket", {{"subject", "London"}, {"contact_mobile", kLondon}});
  store.set_site(*stored);
  return ticket;
}

Value london_key(Store& store, const std::string& ticket) {
  return store.get("HD Ticket", ticket)->get("custom_contact_mobile_key");
}

}  // namespace

TEST_CASE("site facts: the keys' signature names the key version and how the site reads numbers") {
  const std::string v = "v" + std::to_string(kPhoneKeyVersion);
  SiteConfig site;
  CHECK(phone_keys_signature(site) == v + " US");
  site.region = "GB";
  site.fallback_regions = {"US", "DE"};
  CHECK(phone_keys_signature(site) == v + " GB US,DE");
}

TEST_CASE("site facts: opening a database for writing brings keys computed otherwise up to date") {
  const std::string v = "v" + std::to_string(kPhoneKeyVersion);
  test_support::TempDir dir;
  const std::string path = dir.file("keys.sqlite");
  std::string ticket;
  {
    auto store = make_sqlite_store(path);
    CHECK(recorded_signature(*store) == v + " US");  // a new database records its keys' signature
    CHECK(refresh_phone_keys(*store).empty());
    ticket = store->insert("HD Ticket", {{"subject", "London"}, {"contact_mobile", kLondon}});
    CHECK(london_key(*store, ticket).is_null());  // a US site cannot read a British national number
    // The stored facts gain a British fallback behind the library's back (another program):
    // the signature still says the keys were computed without it.
    store->update(kSiteSettingsDoctype, kSiteSettingsDoctype, {{"fallback_regions", "GB"}});
  }
  {
    test_support::LogCapture phone_log("phone");
    auto store = make_sqlite_store(path);
    CHECK(store->site()->fallback_regions == std::vector<std::string>{"GB"});
    CHECK(london_key(*store, ticket) == Value(kLondonKey));
    CHECK(recorded_signature(*store) == v + " US GB");
    REQUIRE(phone_log.lines().size() == 1);
    CHECK(phone_log.lines()[0] == "info stored phone keys computed as '" + v + " US' recomputed as '" + v +
                                      " US GB': 1 of 1 rows rewritten");
  }
  std::string stale;
  {
    // The signature says the keys are current: opening trusts it and reads no row, so a row
    // written behind its back keeps its stale key until a full rekey.
    auto store = make_sqlite_store(path);
    stale = unkeyed_london_ticket(*store);
  }
  {
    auto store = make_sqlite_store(path);
    CHECK(london_key(*store, stale).is_null());
    CHECK(refresh_phone_keys(*store).empty());
    // Keys of an older version: rekeyed on the next open.
    store->update(kSiteSettingsDoctype, kSiteSettingsDoctype, {{kPhoneKeysSignatureField, "v1 US GB"}});
  }
  {
    SqliteOptions read_only;
    read_only.path = path;
    read_only.read_only = true;
    auto store = make_sqlite_store(read_only);  // never writes
    CHECK(london_key(*store, stale).is_null());
    CHECK(recorded_signature(*store) == "v1 US GB");
  }
  {
    auto store = make_sqlite_store(path);
    CHECK(london_key(*store, stale) == Value(kLondonKey));
    CHECK(recorded_signature(*store) == v + " US GB");
    // Keys a newer version computed are left as they are, with a warning.
    stale = unkeyed_london_ticket(*store);
    store->update(kSiteSettingsDoctype, kSiteSettingsDoctype, {{kPhoneKeysSignatureField, "v99 US GB"}});
  }
  {
    test_support::LogCapture phone_log("phone");
    auto store = make_sqlite_store(path);
    CHECK(london_key(*store, stale).is_null());
    CHECK(recorded_signature(*store) == "v99 US GB");
    REQUIRE(phone_log.lines().size() == 1);
    CHECK(phone_log.lines()[0].rfind("warning the stored phone keys were computed by a newer version", 0) == 0);
    // Saving the facts is this version's word: the keys are computed as it computes them.
    save_site_config(*store, *store->site());
    CHECK(london_key(*store, stale) == Value(kLondonKey));
    CHECK(recorded_signature(*store) == v + " US GB");
  }
}

TEST_CASE("site facts: saving the same facts rekeys when the settings record other keys") {
  auto store = test_support::site_store("US");
  save_site_config(*store, *store->site());
  CHECK(recorded_signature(*store) == phone_keys_signature(*store->site()));
  SiteConfig gb = *store->site();
  gb.fallback_regions = {"GB"};
  save_site_config(*store, gb);
  const std::string ticket = unkeyed_london_ticket(*store);
  save_site_config(*store, gb);  // the same facts, the keys current: nothing rewritten
  CHECK(london_key(*store, ticket).is_null());
  store->update(kSiteSettingsDoctype, kSiteSettingsDoctype, {{kPhoneKeysSignatureField, ""}});
  save_site_config(*store, gb);  // nothing recorded: every key is computed again
  CHECK(london_key(*store, ticket) == Value(kLondonKey));
  CHECK(recorded_signature(*store) == phone_keys_signature(gb));
}
