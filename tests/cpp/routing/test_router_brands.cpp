// Brands and reply aliases: the alias a customer wrote to is kept on the record
// (custom_reply_email_alias), recognises replies that carry no threading headers, picks the
// address agents answer from, survives transfers in both directions, and never carries a
// customer across brands. Also: follow-up links follow merges and transfers.
#include <doctest/doctest.h>

#include "routing_test_support.h"

using namespace switchboard;
using namespace routing_test;

namespace {

constexpr const char* kAlias = "custom_reply_email_alias";

Brand brand(const std::string& name, const std::string& domain) {
  Brand b;
  b.name = name;
  b.domains = {domain};
  b.support_aliases = {"support@" + domain};
  b.sales_aliases = {"sales@" + domain};
  b.info_aliases = {"info@" + domain};
  b.company_numbers = {};
  return b;
}

// A site with two brands and no flat aliases.
std::shared_ptr<Store> branded_store() {
  auto store = make_memory_store();
  SiteConfig site;
  site.brands = {brand("Acme", "acme.test"), brand("Bolt", "bolt.test")};
  site.brands[1].reply_from = "hello@bolt.test";
  save_site_config(*store, site);
  auto now = frozen_now();
  store->set_clock([now] { return now; });
  return store;
}

// Our agent's answer on a record, sent from `from` (an alias), carrying `id`.
void agent_mail(Store& s, const std::string& id, const std::string& doctype,
                const std::string& name, const std::string& from) {
  s.insert("Communication", {{"message_id", id}, {"reference_doctype", doctype},
                             {"reference_name", name}, {"sent_or_received", "Sent"},
                             {"sender", from}, {"recipients", "ann@x.com"},
                             {"subject", "Re: something"}, {"communication_medium", "Email"}});
}

std::string alias_of(Store& s, const std::string& doctype, const std::string& name) {
  return s.get(doctype, name)->text(kAlias);
}

}  // namespace

TEST_CASE("brands: JSON, validation, the union of flat lists and brands, brand_of") {
  SiteConfig site;
  site.support_aliases = {"support@main.test"};
  site.company_numbers = {"+15550000001"};
  site.brands = {brand("Acme", "acme.test"), brand("Bolt", "bolt.test")};
  site.brands[0].company_numbers = {"+15550000002"};
  site.brands[1].signature = "Bolt team";
  site.validate();
  SiteConfig back = SiteConfig::from_json(site.to_json());
  CHECK(back == site);
  CHECK(back.brands[1].signature == "Bolt team");
  CHECK(site.all_support_aliases() ==
        std::vector<std::string>{"support@main.test", "support@acme.test", "support@bolt.test"});
  CHECK(site.all_company_numbers() == std::vector<std::string>{"+15550000001", "+15550000002"});
  auto internal = site.all_internal_domains();
  CHECK(std::find(internal.begin(), internal.end(), "bolt.test") != internal.end());
  REQUIRE(site.brand_of("Support+orders@ACME.test") != nullptr);
  CHECK(site.brand_of("Support+orders@ACME.test")->name == "Acme");
  CHECK(site.brand_of("orders@shop.bolt.test")->name == "Bolt");  // by domain
  CHECK(site.brand_of("support@main.test") == nullptr);            // a flat alias: no brand
  CHECK(site.brand_of("ann@x.com") == nullptr);

  SiteConfig twice = site;
  twice.brands[1].sales_aliases = {"SALES@acme.test"};
  CHECK_THROWS_AS(twice.validate(), ValidationError);
  SiteConfig nameless = site;
  nameless.brands[0].name = "";
  CHECK_THROWS_AS(nameless.validate(), ValidationError);
  CHECK_THROWS_AS(SiteConfig::from_json(R"({"brands": [{"name": "A", "colour": "red"}]})"), ParseError);
  CHECK_THROWS_AS(SiteConfig::from_json(R"({"brands": {"name": "A"}})"), ParseError);
  // A site without brands writes and reads exactly as before.
  CHECK(SiteConfig::from_json(R"({"region": "GB"})").brands.empty());
}

TEST_CASE("brands: stored in Switchboard Settings with the other site facts") {
  auto store = make_memory_store();
  SiteConfig site;
  site.brands = {brand("Acme", "acme.test")};
  site.brands[0].reply_from = "team@acme.test";
  save_site_config(*store, site);
  CHECK(!store->get("Switchboard Settings", "Switchboard Settings")->text("brands").empty());
  CHECK(load_site_config(*store) == site);
  save_site_config(*store, SiteConfig{});
  CHECK(store->get("Switchboard Settings", "Switchboard Settings")->text("brands").empty());
  CHECK(load_site_config(*store).brands.empty());
}

TEST_CASE("reply alias: stored on new tickets and leads, tag removed; filled on links") {
  RouterFixture f;
  auto t = f.router.route(mail("m1@x.com", "ann@x.com", {"Support+Orders@cozycornerpatios.com"}, "Broken"));
  REQUIRE(t.action == "create_ticket");
  CHECK(t.reply_alias == kSupport);
  CHECK(alias_of(*f.store, "HD Ticket", t.name) == kSupport);
  auto l = f.router.route(mail("m2@x.com", "bob@x.com", {kSales}, "Prices"));
  REQUIRE(l.action == "create_lead");
  CHECK(alias_of(*f.store, "CRM Lead", l.name) == kSales);
  // A record made before the field existed gets the alias of the first reply linked to it,
  // and keeps it afterwards.
  std::string old = f.ticket("cid@x.com", "Open");
  auto r = f.router.route(mail("m3@x.com", "cid@x.com", {"info@zipcushions.com", kSupport}, "Again"));
  REQUIRE(r.name == old);
  CHECK(r.reply_alias == kSupport);
  CHECK(alias_of(*f.store, "HD Ticket", old) == kSupport);
  r = f.router.route(mail("m4@x.com", "cid@x.com", {"support@zipcushions.com"}, "Again"));
  CHECK(r.name == old);
  CHECK(r.reply_alias.empty());
  CHECK(alias_of(*f.store, "HD Ticket", old) == kSupport);
  // plan() writes nothing.
  std::string older = f.ticket("dan@x.com", "Open");
  f.router.plan(mail("m5@x.com", "dan@x.com", {kSupport}, "Plan"));
  CHECK(alias_of(*f.store, "HD Ticket", older).empty());
}

TEST_CASE("reply alias: filled once on a lead and on a thread's ticket, however the mail finds them") {
  for (bool batch : {false, true}) {
    CAPTURE(batch);
    RouterFixture f;
    auto route = [&](const InboundEmail& e) { return batch ? f.router.route_many({e}).front() : f.router.route(e); };
    // A lead made before the field existed: found by its email (sales), then by history.
    std::string lead = f.lead("eve@x.com");
    auto r = route(mail("l1@x.com", "eve@x.com", {kSales}, "Prices"));
    REQUIRE(r.name == lead);
    CHECK(r.reply_alias == kSales);
    CHECK(alias_of(*f.store, "CRM Lead", lead) == kSales);
    r = route(mail("l2@x.com", "eve@x.com", {"info@zipcushions.com"}, "More prices"));
    CHECK(r.name == lead);
    CHECK(r.reply_alias.empty());
    CHECK(alias_of(*f.store, "CRM Lead", lead) == kSales);
    // A ticket without the field's value, found through In-Reply-To.
    std::string ticket = f.ticket("fay@x.com", "Open");
    f.communication("ours1@cozycornerpatios.com", "HD Ticket", ticket);
    auto reply = mail("t1@x.com", "fay@x.com", {kSupport}, "Re: Old problem");
    reply.in_reply_to = "<ours1@cozycornerpatios.com>";
    r = route(reply);
    REQUIRE(r.name == ticket);
    CHECK(r.match == "in_reply_to");
    CHECK(r.reply_alias == kSupport);
    CHECK(alias_of(*f.store, "HD Ticket", ticket) == kSupport);
    reply.message_id = "t2@x.com";
    r = route(reply);
    CHECK(r.name == ticket);
    CHECK(r.reply_alias.empty());
  }
}

TEST_CASE("reply alias: a lead transferred to a ticket keeps its conversation both ways") {
  RouterFixture f;
  auto first = f.router.route(mail("lead-1@x.com", "ann@x.com", {kSales}, "Patio set prices"));
  REQUIRE(first.action == "create_lead");
  agent_mail(*f.store, "agent-1@cozycornerpatios.com", "CRM Lead", first.name, kSales);
  auto moved = transfer_lead_to_ticket(*f.store, first.name);
  REQUIRE(moved.success);
  CHECK(alias_of(*f.store, "HD Ticket", moved.name) == kSales);
  // A reply by headers to the lead's mail lands on the ticket (the copies own the ids) ...
  auto by_headers = mail("lead-2@x.com", "ann@x.com", {kSales}, "Re: Patio set prices");
  by_headers.in_reply_to = "agent-1@cozycornerpatios.com";
  auto r = f.router.route(by_headers);
  CHECK(r.action == "link_ticket");
  CHECK(r.name == moved.name);
  CHECK(r.match == "in_reply_to");
  // ... and so does a mail without headers to the lead's alias from the same customer.
  r = f.router.route(mail("lead-3@x.com", "ann@x.com", {kSales}, "One more question"));
  CHECK(r.action == "link_ticket");
  CHECK(r.name == moved.name);
  CHECK(r.reason == "reply_alias");
  CHECK(r.policy == "reply_alias=" + kSales);
  // Another customer writing to the same alias is not that conversation.
  r = f.router.route(mail("lead-4@x.com", "zed@x.com", {kSales}, "Prices"));
  CHECK(r.action == "create_lead");
}

TEST_CASE("reply alias: a ticket transferred to a lead keeps its conversation both ways") {
  RouterFixture f;
  auto first = f.router.route(mail("t-1@x.com", "ann@x.com", {kSupport}, "Want to buy more"));
  REQUIRE(first.action == "create_ticket");
  agent_mail(*f.store, "agent-t1@cozycornerpatios.com", "HD Ticket", first.name, kSupport);
  auto moved = transfer_ticket_to_lead(*f.store, first.name);
  REQUIRE(moved.success);
  CHECK(alias_of(*f.store, "CRM Lead", moved.name) == kSupport);
  auto by_headers = mail("t-2@x.com", "ann@x.com", {kSupport}, "Re: Want to buy more");
  by_headers.references = {"t-1@x.com", "agent-t1@cozycornerpatios.com"};
  auto r = f.router.route(by_headers);
  CHECK(r.action == "link_lead");
  CHECK(r.name == moved.name);
  // Without headers, to support@ again: the lead, not a new ticket.
  r = f.router.route(mail("t-3@x.com", "ann@x.com", {kSupport}, "Following up"));
  CHECK(r.action == "link_lead");
  CHECK(r.name == moved.name);
  CHECK(r.reason == "reply_alias");
  // Kept source: the copies are newer and own the ids, so replies land on the new record.
  auto second = f.router.route(mail("t-4@x.com", "bea@x.com", {kSupport}, "Other"));
  agent_mail(*f.store, "agent-t4@cozycornerpatios.com", "HD Ticket", second.name, kSupport);
  TransferOptions keep;
  keep.delete_source = false;
  auto kept = transfer_ticket_to_lead(*f.store, second.name, keep);
  auto reply = mail("t-5@x.com", "bea@x.com", {kSupport}, "Re: Other");
  reply.in_reply_to = "agent-t4@cozycornerpatios.com";
  r = f.router.route(reply);
  CHECK(r.action == "link_lead");
  CHECK(r.name == kept.name);
}

TEST_CASE("brands: mail to one brand's alias never lands on another brand's record") {
  auto store = branded_store();
  Router router(store);
  auto a = router.route(mail("a-1@x.com", "ann@x.com", {"support@acme.test"}, "Broken chair"));
  REQUIRE(a.action == "create_ticket");
  CHECK(a.reply_alias == "support@acme.test");
  // Same customer, brand Bolt, no headers: a new Bolt ticket (the default would link her
  // newest open ticket), even with the same subject.
  auto b = router.route(mail("b-1@x.com", "ann@x.com", {"support@bolt.test"}, "Re: Broken chair"));
  CHECK(b.action == "create_ticket");
  CHECK(b.name != a.name);
  CHECK(b.reply_alias == "support@bolt.test");
  // Each brand's alias continues its own ticket.
  CHECK(router.plan(mail("a-2@x.com", "ann@x.com", {"support@acme.test"}, "More")).name == a.name);
  CHECK(router.plan(mail("b-2@x.com", "ann@x.com", {"support@bolt.test"}, "More")).name == b.name);
  // Headers thread across brands (the customer answered the Acme mail, writing to Bolt).
  auto threaded = mail("a-3@x.com", "ann@x.com", {"support@bolt.test"}, "Re: Broken chair");
  threaded.in_reply_to = "a-1@x.com";
  CHECK(router.plan(threaded).name == a.name);
  // Leads too: an Acme lead is not Bolt's.
  auto la = router.route(mail("l-1@x.com", "lee@x.com", {"sales@acme.test"}, "Quote"));
  REQUIRE(la.action == "create_lead");
  auto lb = router.route(mail("l-2@x.com", "lee@x.com", {"sales@bolt.test"}, "Quote"));
  CHECK(lb.action == "create_lead");
  CHECK(lb.name != la.name);
  CHECK(router.plan(mail("l-3@x.com", "lee@x.com", {"sales@acme.test"}, "Quote")).name == la.name);
  // Records without an alias (made before the field) and without mails belong to no brand:
  // any brand finds them.
  std::string legacy = store->insert("HD Ticket", {{"subject", "Old"}, {"raised_by", "old@x.com"}, {"status", "Open"}});
  CHECK(router.plan(mail("o-1@x.com", "old@x.com", {"support@bolt.test"}, "Hi")).name == legacy);
}

TEST_CASE("brands: a record without a reply alias is of the brand its customer's mails went to") {
  auto store = branded_store();
  Router router(store);
  // A lead kept from before aliases were recorded, its customer's mail written to Acme's sales.
  std::string lead = store->insert("CRM Lead", {{"first_name", "Gen"}, {"email", "gen@x.com"}, {"status", "New"}});
  store->insert("Communication", {{"message_id", "old-1@x.com"}, {"reference_doctype", "CRM Lead"},
                                  {"reference_name", lead}, {"sent_or_received", "Received"},
                                  {"sender", "gen@x.com"}, {"recipients", "Acme Sales <sales@acme.test>"},
                                  {"subject", "Price list"}, {"communication_medium", "Email"}});
  // A request to Bolt gets a Bolt lead and leaves the Acme one alone (before, it joined it and
  // wrote Bolt's alias on it, so Acme's later answers went out from Bolt).
  auto bolt = router.route(mail("b-1@x.com", "gen@x.com", {"info@bolt.test"}, "New enquiry"));
  CHECK(bolt.action == "create_lead");
  CHECK(bolt.name != lead);
  CHECK(alias_of(*store, "CRM Lead", lead).empty());
  // Acme's sales alias still finds it, and gives it its alias.
  auto acme = router.route(mail("a-1@x.com", "gen@x.com", {"sales@acme.test"}, "Re: Price list"));
  CHECK(acme.name == lead);
  CHECK(alias_of(*store, "CRM Lead", lead) == "sales@acme.test");
  // A ticket whose mails went only to an address of no brand stays visible to every brand.
  std::string plain = store->insert("HD Ticket", {{"subject", "Old"}, {"raised_by", "pat@x.com"}, {"status", "Open"}});
  store->insert("Communication", {{"message_id", "old-2@x.com"}, {"reference_doctype", "HD Ticket"},
                                  {"reference_name", plain}, {"sent_or_received", "Received"},
                                  {"sender", "pat@x.com"}, {"recipients", "someone@elsewhere.test"},
                                  {"subject", "Old"}, {"communication_medium", "Email"}});
  CHECK(router.plan(mail("p-1@x.com", "pat@x.com", {"support@bolt.test"}, "Hi")).name == plain);
}

TEST_CASE("brands: a site without brands links across aliases as before") {
  RouterFixture f;
  auto a = f.router.route(mail("m1@x.com", "ann@x.com", {kSupport}, "Broken"));
  auto b = f.router.route(mail("m2@x.com", "ann@x.com", {"support@zipcushions.com"}, "Other"));
  CHECK(b.action == "link_ticket");
  CHECK(b.name == a.name);
}

TEST_CASE("reply_from_address: the record's alias, the alias last written to, the brand's, the site's") {
  auto store = branded_store();
  Router router(store);
  auto t = router.route(mail("a-1@x.com", "ann@x.com", {"support+x@bolt.test"}, "Broken"));
  CHECK(reply_from_address(*store, "HD Ticket", t.name) == "support@bolt.test");
  // No stored alias: the alias the customer's newest mail on the record was written to.
  std::string bare = store->insert("CRM Lead", {{"first_name", "Bo"}, {"email", "bo@x.com"}});
  CHECK(reply_from_address(*store, "CRM Lead", bare) == "sales@acme.test");  // site default: first brand
  store->insert("Communication", {{"reference_doctype", "CRM Lead"}, {"reference_name", bare},
                                  {"sent_or_received", "Received"}, {"recipients", "info@bolt.test"},
                                  {"communication_medium", "Email"}, {"subject", "Hi"}});
  CHECK(reply_from_address(*store, "CRM Lead", bare) == "info@bolt.test");
  // A mail to a brand's other address: the brand's reply_from.
  std::string other = store->insert("HD Ticket", {{"subject", "S"}, {"raised_by", "cy@x.com"}});
  store->insert("Communication", {{"reference_doctype", "HD Ticket"}, {"reference_name", other},
                                  {"sent_or_received", "Received"}, {"recipients", "orders@bolt.test"},
                                  {"communication_medium", "Email"}, {"subject", "Hi"}});
  CHECK(reply_from_address(*store, "HD Ticket", other) == "hello@bolt.test");
  // Flat aliases: tickets from support, leads from sales.
  RouterFixture f;
  std::string ticket = f.ticket("ann@x.com");
  std::string lead = f.lead("ann@x.com");
  CHECK(reply_from_address(*f.store, "HD Ticket", ticket) == kSupport);
  CHECK(reply_from_address(*f.store, "CRM Lead", lead) == kSales);
  CHECK_THROWS_AS(reply_from_address(*f.store, "HD Ticket", "nope"), NotFound);
  CHECK_THROWS_AS(reply_from_address(*f.store, "Contact", "x"), ValidationError);
  auto empty = make_memory_store();
  std::string t2 = empty->insert("HD Ticket", {{"subject", "S"}});
  CHECK(reply_from_address(*empty, "HD Ticket", t2).empty());
}

TEST_CASE("follow-ups follow merges: the link points at the survivor, routing finds the chain") {
  RouterFixture f;
  std::string closed = f.ticket("ann@x.com", "Closed", "2025-03-01 10:00:00.000000");
  f.communication("agent-c@cozycornerpatios.com", "HD Ticket", closed);
  auto reply = mail("fu-1@x.com", "ann@x.com", {kSupport}, "Re: Old problem");
  reply.in_reply_to = "agent-c@cozycornerpatios.com";
  auto fu = f.router.route(reply);
  REQUIRE(fu.reason == "follow_up");
  // The closed ticket is merged into an older one: the follow-up now continues the survivor.
  std::string survivor = f.ticket("ann@x.com", "Closed", "2025-02-01 10:00:00.000000");
  PhoneMerger merger(f.store);
  auto report = merger.merge("HD Ticket", survivor, {closed});
  REQUIRE(report.merged());
  CHECK(f.store->get("HD Ticket", fu.name)->text("ticket_split_from") == survivor);
  // A reply threading to the merged ticket finds the survivor, then its open follow-up.
  auto again = mail("fu-2@x.com", "ann@x.com", {kSupport}, "Re: Old problem");
  again.in_reply_to = "agent-c@cozycornerpatios.com";
  auto r = f.router.plan(again);
  CHECK(r.action == "link_ticket");
  CHECK(r.name == fu.name);
  // A follow-up merged with the ticket it continued does not point at itself.
  RouterFixture g;
  std::string c2 = g.ticket("bob@x.com", "Closed", "2025-03-01 10:00:00.000000");
  g.communication("agent-d@cozycornerpatios.com", "HD Ticket", c2);
  auto reply2 = mail("fu-3@x.com", "bob@x.com", {kSupport}, "Re: Old problem");
  reply2.in_reply_to = "agent-d@cozycornerpatios.com";
  auto fu2 = g.router.route(reply2);
  PhoneMerger(g.store).merge("HD Ticket", fu2.name, {c2});
  CHECK(g.store->get("HD Ticket", fu2.name)->text("ticket_split_from").empty());
}

TEST_CASE("follow-ups follow transfers: replies to the transferred thread land on the lead") {
  RouterFixture f;
  std::string closed = f.ticket("ann@x.com", "Closed", "2025-03-01 10:00:00.000000");
  agent_mail(*f.store, "agent-c@cozycornerpatios.com", "HD Ticket", closed, kSupport);
  auto reply = mail("fu-1@x.com", "ann@x.com", {kSupport}, "Re: Old problem");
  reply.in_reply_to = "agent-c@cozycornerpatios.com";
  auto fu = f.router.route(reply);
  REQUIRE(fu.reason == "follow_up");
  auto moved = transfer_ticket_to_lead(*f.store, closed);
  // The deleted ticket's follow-up no longer points at it, and says where it went.
  CHECK(f.store->get("HD Ticket", fu.name)->text("ticket_split_from").empty());
  auto notes = f.store->find("Comment", Query{Filter("reference_name", Value(fu.name))});
  bool named = false;
  for (const auto& n : notes) named = named || n.text("content").find(moved.name) != std::string::npos;
  CHECK(named);
  // The old thread continues on the lead.
  auto again = mail("fu-2@x.com", "ann@x.com", {kSupport}, "Re: Old problem");
  again.in_reply_to = "agent-c@cozycornerpatios.com";
  auto r = f.router.plan(again);
  CHECK(r.action == "link_lead");
  CHECK(r.name == moved.name);
}
