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
