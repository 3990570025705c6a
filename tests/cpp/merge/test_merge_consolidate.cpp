// Consolidation: closed records join their group, the oldest open record survives and keeps
// its status, and numbers that are the company's or several customers' never merge.
#include <doctest/doctest.h>

#include "merge_fixtures.h"

using namespace switchboard;
using namespace merge_fixtures;

namespace {

std::string ticket(Store& s, const std::string& phone, const std::string& status,
                   const std::string& raised_by = "") {
  Document d{{"subject", "x"}, {"contact_mobile", phone}, {"status", status}};
  if (!raised_by.empty()) d.set("raised_by", Value(raised_by));
  return s.insert("HD Ticket", d);
}

}  // namespace

TEST_CASE_TEMPLATE("consolidate: the oldest open record survives, closed ones join, why is reported",
                   B, Memory, Sqlite) {
  auto store = B::make();
  Store& s = *store;
  std::string closed = ticket(s, "555 123 4567", "Closed");
  std::string open = ticket(s, "(555) 123-4567", "Replied");
  std::string later = ticket(s, "+1 555 123 4567", "Open");
  std::string all_closed_a = ticket(s, "555 222 3333", "Resolved");
  std::string all_closed_b = ticket(s, "5552223333", "Closed");
  ticket_call(s, "c1", closed);
  PhoneMerger merger(store);
  auto dry = merger.bulk_merge("HD Ticket", true);
  REQUIRE(dry.merges.size() == 2);
  CHECK(dry.merges[0].target == open);
  CHECK(dry.merges[0].survivor_reason == "oldest_open");
  CHECK(dry.merges[0].sources() == std::vector<std::string>{closed, later});
  CHECK(dry.merges[1].target == all_closed_a);
  CHECK(dry.merges[1].survivor_reason == "oldest");
  auto real = merger.bulk_merge("HD Ticket");
  for (auto& m : real.merges) m.dry_run = true;
  real.dry_run = true;
  CHECK(real == dry);
  CHECK(s.get("HD Ticket", open)->text("status") == "Replied");
  CHECK(s.get("HD Ticket", later)->text("status") == "Closed");
  CHECK(s.get("HD Ticket", later)->text("merged_with") == open);
  CHECK(names_where(s, "Helpdesk Call Log", "ticket", open).size() == 1);
  CHECK(s.get("HD Ticket", all_closed_b)->text("merged_with") == all_closed_a);
  // Leaving closed tickets out: only the open ones merge.
  std::string c2 = ticket(s, "555 777 8888", "Closed");
  std::string o2 = ticket(s, "555 777 8888", "Open");
  std::string o3 = ticket(s, "555 777 8888", "Open");
  MergeOptions narrow;
  narrow.include_closed = false;
  auto only_open = PhoneMerger(store, "", narrow).bulk_merge("HD Ticket");
  REQUIRE(only_open.merges.size() == 1);
  CHECK(only_open.merges[0].target == o2);
  CHECK(only_open.merges[0].sources() == std::vector<std::string>{o3});
  CHECK_FALSE(s.get("HD Ticket", c2)->has("merged_with"));
}

TEST_CASE("consolidate: the hook on a closed record merges it into the open duplicate") {
  auto store = Memory::make();
  Store& s = *store;
  std::string open = ticket(s, "555 444 5555", "Open");
  std::string closed = ticket(s, "555-444-5555", "Closed");
  std::string open2 = ticket(s, "5554445555", "Open");
  PhoneMerger merger(store);
  auto r = merger.on_phone_changed("HD Ticket", closed, true);
  CHECK(r.target == open);
  CHECK(r.survivor_reason == "oldest_open");
  CHECK(r.sources() == std::vector<std::string>{closed, open2});
  // On an open record: it survives, as the record whose phone was just set.
  auto named = merger.on_phone_changed("HD Ticket", open2);
  CHECK(named.target == open2);
  CHECK(named.survivor_reason == "named");
  CHECK(s.get("HD Ticket", open2)->text("status") == "Open");
  CHECK(s.get("HD Ticket", open)->text("merged_with") == open2);
  CHECK(merger.merge("HD Ticket", open2, {}).survivor_reason.empty());
}

TEST_CASE("consolidate: leads with a closed status merge into the open lead") {
  auto store = Memory::make();
  Store& s = *store;
  SiteConfig site = *s.site();
  site.closed_lead_statuses = {"Lost"};
  s.set_site(site);
  std::string lost = s.insert("CRM Lead", {{"first_name", "A"}, {"mobile_no", "555 123 4567"}, {"status", "Lost"}});
  std::string fresh = s.insert("CRM Lead", {{"first_name", "A"}, {"phone", "5551234567"}, {"status", "New"}});
  std::string converted = s.insert("CRM Lead", {{"first_name", "A"}, {"phone", "5551234567"}, {"converted", 1}});
  auto r = PhoneMerger(store).bulk_merge("CRM Lead");
  REQUIRE(r.merges.size() == 1);
  CHECK(r.merges[0].target == fresh);
  CHECK(r.merges[0].sources() == std::vector<std::string>{lost});
  CHECK(s.get("CRM Lead", lost)->text("custom_merged_into") == fresh);
  CHECK(s.get("CRM Lead", lost)->text("status") == "Lost");
  CHECK_FALSE(s.get("CRM Lead", converted)->has("custom_merged_into"));
}

TEST_CASE_TEMPLATE("consolidate: a lead of a status of type Lost never absorbs an open one", S,
                   Memory, Sqlite) {
  auto store = S::make();
  Store& s = *store;
  // Decided by the status's type, not its label, and without any closed_lead_statuses set.
  s.insert("CRM Lead Status", {{"lead_status", "Dead End"}, {"type", "Lost"}});
  std::string dead = s.insert("CRM Lead", {{"first_name", "A"}, {"mobile_no", "555 123 4577"}, {"status", "Dead End"}});
  std::string open = s.insert("CRM Lead", {{"first_name", "A"}, {"phone", "5551234577"}, {"status", "Contacted"}});
  std::string newer = s.insert("CRM Lead", {{"first_name", "A"}, {"phone", "(555) 123-4577"}, {"status", "New"}});
  auto plan = PhoneMerger(store).bulk_merge("CRM Lead", /*dry_run=*/true);
  REQUIRE(plan.merges.size() == 1);
  CHECK(plan.merges[0].target == open);
  CHECK(plan.merges[0].survivor_reason == "oldest_open");
  // The hook on the Lost lead (its number was just set) merges it into the open one too.
  auto r = PhoneMerger(store).on_phone_changed("CRM Lead", dead);
  CHECK(r.target == open);
  CHECK(r.survivor_reason == "oldest_open");
  CHECK(s.get("CRM Lead", dead)->text("custom_merged_into") == open);
  CHECK(s.get("CRM Lead", newer)->text("custom_merged_into") == open);
  CHECK(s.get("CRM Lead", open)->text("status") == "Contacted");
}

TEST_CASE("consolidate: the company's numbers never merge") {
  auto store = Memory::make();
  Store& s = *store;
  SiteConfig site = *s.site();
  site.company_numbers = {"+1 555 987 6543"};
  s.set_site(site);
  std::string a = ticket(s, "(555) 987-6543", "Open");
  std::string b = ticket(s, "5559876543", "Open");
  std::string c = ticket(s, "5559876543", "Closed");
  PhoneMerger merger(store);
  auto r = merger.bulk_merge("HD Ticket");
  CHECK(r.merges.empty());
  REQUIRE(r.shared.size() == 1);
  CHECK(r.shared[0].key == "+15559876543");
  CHECK(r.shared[0].reason == "company_number");
  CHECK(r.shared[0].names == std::vector<std::string>{a, b, c});
  auto hook = merger.on_phone_changed("HD Ticket", b);
  CHECK(hook.skipped == "no_duplicates");
  REQUIRE(hook.shared.size() == 1);
  CHECK(hook.shared[0].reason == "company_number");
  // The options may name them instead of the site.
  MergeOptions none;
  none.company_numbers = std::vector<std::string>{};
  CHECK(PhoneMerger(store, "", none).bulk_merge("HD Ticket", true).records_merged() == 2);
}

TEST_CASE("consolidate: a number several customers hold never merges, directly or by chaining") {
  auto store = Memory::make();
  Store& s = *store;
  // One customer under two addresses of one contact, and a call ticket without anyone: merged.
  std::string contact = s.insert("Contact", {{"first_name", "Ann"}});
  std::string a1 = s.insert("HD Ticket", {{"subject", "x"}, {"contact_mobile", "555 100 2000"},
                                          {"raised_by", "ann@example.com"}, {"contact", contact}});
  std::string a2 = s.insert("HD Ticket", {{"subject", "x"}, {"contact_mobile", "5551002000"},
                                          {"raised_by", "Ann.Work@Example.com"}, {"contact", contact}});
  std::string a3 = ticket(s, "555.100.2000", "Open", "ANN@example.com");
  std::string a4 = ticket(s, "555 100 2000", "Open");
  // A family phone: two customers.
  ticket(s, "555 300 4000", "Open", "bob@example.com");
  ticket(s, "555 300 4000", "Open", "carol@example.com");
  std::string eve = ticket(s, "555 700 8000", "Open", "eve@example.com");
  std::string eve2 = ticket(s, "555 700 8000", "Open");
  PhoneMerger merger(store);
  auto r = merger.bulk_merge("HD Ticket", true);
  std::vector<std::string> targets;
  for (const auto& m : r.merges) targets.push_back(m.target);
  CHECK(targets == std::vector<std::string>{a1, eve});
  CHECK(r.merges[0].sources() == std::vector<std::string>{a2, a3, a4});
  REQUIRE(r.shared.size() == 1);
  CHECK(r.shared[0].key == "+15553004000");
  CHECK(r.shared[0].reason == "customers");
  (void)eve2;

  MergeOptions two;
  two.max_customers_per_number = 2;
  ticket(s, "555 300 4000", "Closed");
  CHECK(PhoneMerger(store, "", two).bulk_merge("HD Ticket", true).records_merged() == 6);
  CHECK_THROWS_AS(PhoneMerger(store, "", MergeOptions{20, 0}), ValidationError);
}

TEST_CASE("consolidate: staff who create a ticket are not its customer") {
  // Helpdesk fills raised_by with the agent who created a ticket: "Administrator", or an
  // address at the company's domain. Neither makes the number several customers'.
  auto store = Memory::make();
  Store& s = *store;
  SiteConfig site = *s.site();
  site.company_domains = {"ourco.com"};
  s.set_site(site);
  std::string pat = ticket(s, "555 010 4444", "Open", "pat@customer.com");
  std::string by_admin = ticket(s, "+1 555 010 4444", "Open", "Administrator");
  std::string by_agent = ticket(s, "(555) 010-4444", "Open", "Agent <jo@support.ourco.com>");
  auto r = PhoneMerger(store).bulk_merge("HD Ticket", true);
  REQUIRE(r.merges.size() == 1);
  CHECK(r.merges[0].target == pat);
  CHECK(r.merges[0].sources() == std::vector<std::string>{by_admin, by_agent});
  CHECK(r.shared.empty());
  // A second real customer on the number still stops it.
  ticket(s, "555 010 4444", "Open", "sam@elsewhere.org");
  auto shared = PhoneMerger(store).bulk_merge("HD Ticket", true);
  CHECK(shared.merges.empty());
  REQUIRE(shared.shared.size() == 1);
  CHECK(shared.shared[0].reason == "customers");
}

TEST_CASE("consolidate: chained numbers of two customers are reported, not merged") {
  auto store = Memory::make();
  Store& s = *store;
  // Dan's ticket holds number 1; an anonymous lead holds numbers 1 and 2; Eve's holds number 2.
  std::string dan = s.insert("CRM Lead", {{"first_name", "Dan"}, {"email", "dan@example.com"},
                                          {"mobile_no", "555 500 6000"}});
  std::string both = s.insert("CRM Lead", {{"first_name", "?"}, {"mobile_no", "5555006000"},
                                           {"phone", "555 700 8000"}});
  std::string eve = s.insert("CRM Lead", {{"first_name", "Eve"}, {"email", "eve@example.com"},
                                          {"phone", "5557008000"}});
  PhoneMerger merger(store);
  auto r = merger.bulk_merge("CRM Lead");
  CHECK(r.merges.empty());
  REQUIRE(r.shared.size() == 1);
  CHECK(r.shared[0].reason == "customers");
  CHECK(r.shared[0].names == std::vector<std::string>{dan, both, eve});
  auto hook = merger.on_phone_changed("CRM Lead", both);
  CHECK(hook.skipped == "no_duplicates");
  CHECK(s.count("CRM Lead", {Filter("custom_merged_into", Op::kIsSet, Value())}) == 0);
}

TEST_CASE("consolidate: an extension matches the bare number unless the number has another") {
  auto store = Memory::make();
  Store& s = *store;
  std::string a = ticket(s, "555 123 4567 x 22", "Open");
  std::string b = ticket(s, "(555) 123-4567", "Open");
  std::string c = ticket(s, "+1 555 123 4567 ext. 22", "Open");
  PhoneMerger merger(store);
  auto r = merger.bulk_merge("HD Ticket", true);
  REQUIRE(r.merges.size() == 1);
  CHECK(r.merges[0].target == a);
  CHECK(r.merges[0].sources() == std::vector<std::string>{b, c});
  CHECK(r.merges[0].steps[0].keys == std::vector<std::string>{"+15551234567"});
  // A second extension: a company line with desks, not one person. Only equal extensions merge.
  ticket(s, "555 123 4567 x 23", "Open");
  auto strict = merger.bulk_merge("HD Ticket", true);
  REQUIRE(strict.merges.size() == 1);
  CHECK(strict.merges[0].sources() == std::vector<std::string>{c});
  CHECK(strict.merges[0].steps[0].keys == std::vector<std::string>{"+15551234567;ext=22"});
  MergeOptions exact;
  exact.match_without_extension = false;
  std::string d = ticket(s, "555 999 0000 x 5", "Open");
  ticket(s, "555 999 0000", "Open");
  CHECK(PhoneMerger(store, "", exact).on_phone_changed("HD Ticket", d, true).skipped == "no_duplicates");
  CHECK(merger.on_phone_changed("HD Ticket", d, true).sources().size() == 1);
}
