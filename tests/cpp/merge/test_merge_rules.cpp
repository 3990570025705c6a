// Matching and merge policy: exact keys only, garbage never matches, extensions, shared
// numbers, scope, self-merges, complete relinking, blanks, chains and manual merges.
#include <doctest/doctest.h>

#include "merge_fixtures.h"

using namespace switchboard;
using namespace merge_fixtures;

TEST_CASE("merge rules: garbage, local-only numbers and other extensions never merge") {
  auto store = Memory::make();
  Store& s = *store;
  for (const char* phone : {"123", "123", "abc", "abc", "253 0000", "253-0000", "", ""})
    s.insert("HD Ticket", {{"subject", "x"}, {"contact_mobile", phone}});
  s.insert("HD Ticket", {{"subject", "x"}, {"contact_mobile", "555 123 4567 x 1"}});
  s.insert("HD Ticket", {{"subject", "x"}, {"contact_mobile", "555 123 4567 x 2"}});
  s.insert("HD Ticket", {{"subject", "x"}, {"contact_mobile", "555 123 4567"}});
  PhoneMerger merger(store);
  auto report = merger.bulk_merge("HD Ticket");
  CHECK(report.merges.empty());
  CHECK(report.scanned == 3);  // only the three keyed numbers
  CHECK(merger.find_duplicates("HD Ticket", "123").empty());
  CHECK(merger.find_duplicates("HD Ticket", "").empty());
  CHECK(merger.find_duplicates("HD Ticket", "+1 555 123 4567 ext. 2").size() == 1);
  CHECK(merger.find_duplicates("HD Ticket", "+1 555 123 4567").size() == 1);
  // Same extension does merge.
  s.insert("HD Ticket", {{"subject", "x"}, {"contact_mobile", "(555) 123-4567 #2"}});
  auto again = merger.bulk_merge("HD Ticket");
  REQUIRE(again.merges.size() == 1);
  CHECK(again.merges[0].steps[0].keys == std::vector<std::string>{"+15551234567;ext=2"});
}

TEST_CASE("merge rules: a number held by more records than the cap is shared, not merged") {
  auto store = Memory::make();
  Store& s = *store;
  std::vector<std::string> front_desk;
  for (int i = 0; i < 21; ++i)
    front_desk.push_back(s.insert("HD Ticket", {{"subject", "x"}, {"contact_mobile", "+1 650 253 0000"}}));
  std::string a = s.insert("HD Ticket", {{"subject", "a"}, {"contact_mobile", "555 111 2222"}});
  std::string b = s.insert("HD Ticket", {{"subject", "b"}, {"contact_mobile", "555-111-2222"}});
  PhoneMerger merger(store);
  auto report = merger.bulk_merge("HD Ticket");
  REQUIRE(report.shared.size() == 1);
  CHECK(report.shared[0].key == "+16502530000");
  CHECK(report.shared[0].count == 21);
  CHECK(report.shared[0].names.size() == 21);
  CHECK(report.shared[0].names.front() == front_desk.front());
  REQUIRE(report.merges.size() == 1);
  CHECK(report.merges[0].target == a);
  auto hook = merger.on_phone_changed("HD Ticket", front_desk[3]);
  CHECK(hook.skipped == "no_duplicates");
  REQUIRE(hook.shared.size() == 1);
  CHECK(hook.shared[0].count == 21);
  CHECK(s.count("HD Ticket", {Filter("is_merged", 1)}) == 1);
  (void)b;

  // A smaller cap makes a pair shared too; a larger one merges the front desk.
  MergeOptions tight;
  tight.shared_cap = 1;
  std::string c = s.insert("HD Ticket", {{"subject", "c"}, {"contact_mobile", "555 333 4444"}});
  s.insert("HD Ticket", {{"subject", "d"}, {"contact_mobile", "555 333 4444"}});
  CHECK(PhoneMerger(store, "", tight).on_phone_changed("HD Ticket", c).shared.size() == 1);
  MergeOptions loose;
  loose.shared_cap = 30;
  auto merged = PhoneMerger(store, "", loose).bulk_merge("HD Ticket");
  CHECK(merged.records_merged() == 21);  // 20 front-desk tickets + d
  CHECK_THROWS_AS(PhoneMerger(store, "", MergeOptions{0}), ValidationError);
}

TEST_CASE("merge rules: converted leads stay out unless included; closed tickets are in") {
  auto store = Memory::make();
  Store& s = *store;
  std::string l1 = s.insert("CRM Lead", {{"first_name", "A"}, {"mobile_no", "555 123 4567"}, {"converted", 1}});
  std::string l2 = s.insert("CRM Lead", {{"first_name", "B"}, {"mobile_no", "5551234567"}});
  std::string t1 = s.insert("HD Ticket", {{"subject", "a"}, {"contact_mobile", "555 123 4567"}, {"status", "Closed"}});
  std::string t2 = s.insert("HD Ticket", {{"subject", "b"}, {"contact_mobile", "5551234567"}});
  MergeOptions narrow;
  narrow.include_closed = false;
  PhoneMerger merger(store, "", narrow);
  CHECK(merger.bulk_merge("CRM Lead").merges.empty());
  CHECK(merger.bulk_merge("HD Ticket").merges.empty());
  CHECK(merger.on_phone_changed("CRM Lead", l2).skipped == "no_duplicates");
  CHECK(merger.on_phone_changed("CRM Lead", l1).skipped == "out_of_scope");
  CHECK(merger.find_duplicates("HD Ticket", "555 123 4567") == std::vector<std::string>{t2});
  CHECK(PhoneMerger(store).find_duplicates("HD Ticket", "555 123 4567") == std::vector<std::string>{t1, t2});
  MergeOptions all;
  all.include_converted = true;
  PhoneMerger wide(store, "", all);
  CHECK(wide.find_duplicates("HD Ticket", "555 123 4567") == std::vector<std::string>{t1, t2});
  // The converted lead is not open: the open one survives.
  CHECK(wide.bulk_merge("CRM Lead").merges.at(0).target == l2);
  CHECK(wide.bulk_merge("HD Ticket").merges.at(0).target == t2);
  // Leads and tickets are never merged with each other, and other doctypes not at all.
  CHECK(s.get("CRM Lead", l1)->text("custom_merged_into") == l2);
  CHECK(s.get("HD Ticket", t2)->text("status") == "Open");
  CHECK_THROWS_AS(merger.bulk_merge("Contact"), ValidationError);
}

TEST_CASE("merge rules: a record is never merged into itself; manual merges validate") {
  auto store = Memory::make();
  Store& s = *store;
  std::string a = s.insert("HD Ticket", {{"subject", "a"}});
  std::string b = s.insert("HD Ticket", {{"subject", "b"}});
  std::string c = s.insert("HD Ticket", {{"subject", "c"}});
  ticket_call(s, "x", b);
  PhoneMerger merger(store);
  auto before = test_support::snapshot(s);
  CHECK_THROWS_AS(merger.merge("HD Ticket", a, {a}), ValidationError);
  CHECK_THROWS_AS(merger.merge("HD Ticket", a, {b, a}), ValidationError);
  CHECK_THROWS_AS(merger.merge("HD Ticket", a, {"missing"}), NotFound);
  CHECK_THROWS_AS(merger.merge("HD Ticket", "missing", {a}), NotFound);
  CHECK_THROWS_AS(merger.on_phone_changed("HD Ticket", "missing"), NotFound);
  CHECK(test_support::snapshot(s) == before);
  // Tickets without phones can still be merged by hand.
  auto report = merger.merge("HD Ticket", a, {b, b});
  CHECK(report.sources() == std::vector<std::string>{b});
  CHECK(report.steps[0].keys.empty());
  CHECK(names_where(s, "Helpdesk Call Log", "ticket", a).size() == 1);
  // Again: already merged into a, nothing to do.
  auto again = merger.merge("HD Ticket", a, {b});
  CHECK(again.skipped == "already_merged");
  // b is merged: it cannot be a target, and it cannot be merged elsewhere.
  CHECK_THROWS_AS(merger.merge("HD Ticket", b, {c}), ValidationError);
  CHECK_THROWS_AS(merger.merge("HD Ticket", c, {b}), ValidationError);
  // A chain: a into c; b (in a) now resolves to c.
  merger.merge("HD Ticket", c, {a});
  CHECK(resolve_survivor(s, "HD Ticket", b) == c);
  CHECK(merger.merge("HD Ticket", c, {b}).skipped == "already_merged");
}

TEST_CASE("merge rules: nothing references a merged record afterwards") {
  auto store = Sqlite::make();
  Store& s = *store;
  std::string keep = s.insert("CRM Lead", {{"first_name", "Keep"}, {"mobile_no", "555 123 4567"}});
  std::string lose = s.insert("CRM Lead", {{"first_name", "Lose"}, {"phone", "+15551234567"},
                                           {"email", "lose@example.com"}, {"mobile_no", "+44 20 7946 0958"}});
  lead_call(s, "r1", lose);
  // A call log linked to both: its link to `lose` is a duplicate once moved.
  s.insert("CRM Call Log", {{"id", "r2"}, {"reference_docname", keep}},
           {{"links", {Document{{"link_doctype", "CRM Lead"}, {"link_name", keep}},
                       Document{{"link_doctype", "CRM Lead"}, {"link_name", lose}}}}});
  std::string contact = s.insert("Contact", {{"full_name", "Lose"}},
                                 {{"links", {Document{{"link_doctype", "CRM Lead"}, {"link_name", lose}}}}});
  std::string comm = s.insert("Communication", {{"reference_doctype", "CRM Lead"}, {"reference_name", lose},
                                                {"subject", "hello"}},
                              {{"timeline_links", {Document{{"link_doctype", "CRM Lead"}, {"link_name", lose}}}}});
  s.insert("Comment", {{"reference_doctype", "CRM Lead"}, {"reference_name", lose}, {"content", "note"}});
  s.insert("File", {{"attached_to_doctype", "CRM Lead"}, {"attached_to_name", lose}, {"file_name", "a.pdf"}});
  s.insert("File", {{"attached_to_doctype", "CRM Lead"}, {"attached_to_name", lose}, {"file_name", "b.pdf"}});
  std::string deal = s.insert("CRM Deal", {{"lead", lose}});
  // Another doctype's row with the same name must not move (typed by reference_doctype).
  s.insert("Comment", {{"reference_doctype", "HD Ticket"}, {"reference_name", lose}, {"content", "other"}});

  PhoneMerger merger(store);
  auto report = merger.on_phone_changed("CRM Lead", keep);
  REQUIRE(report.merged());
  const MergeStep& step = report.steps[0];
  CHECK(step.moved.at("File.attached_to_name").size() == 2);
  CHECK(step.moved.at("Comment.reference_name").size() == 1);
  CHECK(step.moved.at("Communication.reference_name") == std::vector<std::string>{comm});
  CHECK(step.moved.at("Communication Link.link_name").size() == 1);
  CHECK(step.moved.at("CRM Deal.lead") == std::vector<std::string>{deal});
  CHECK(step.moved.at("Dynamic Link.link_name").size() == 2);  // r1's and the contact's
  CHECK(step.removed.at("Dynamic Link").size() == 1);          // r2's duplicate
  // Blanks of the survivor are filled; its own values win.
  CHECK(step.filled.get("email") == Value("lose@example.com"));
  CHECK(step.filled.get("phone") == Value("+15551234567"));
  CHECK_FALSE(step.filled.contains("first_name"));
  CHECK_FALSE(step.filled.contains("mobile_no"));
  auto survivor = s.get("CRM Lead", keep);
  CHECK(survivor->text("email") == "lose@example.com");
  CHECK(survivor->text("mobile_no") == "555 123 4567");
  CHECK(survivor->text("custom_phone_key") == "+15551234567");  // keys follow the filled value

  // Only the tombstone (and the other doctype's comment) still name the merged lead.
  for (const char* doctype : {"Dynamic Link", "Communication Link"})
    CHECK(names_where(s, doctype, "link_name", lose).empty());
  CHECK(names_where(s, "CRM Call Log", "reference_docname", lose).empty());
  CHECK(names_where(s, "Communication", "reference_name", lose).empty());
  CHECK(names_where(s, "File", "attached_to_name", lose).empty());
  CHECK(names_where(s, "CRM Deal", "lead", lose).empty());
  CHECK(names_where(s, "Comment", "reference_name", lose).size() == 1);
  auto r2_links = s.find("Dynamic Link", Query{Filter("parent", Value("r2"))});
  CHECK(r2_links.size() == 1);
  CHECK(s.find("Dynamic Link", Query{Filter("parent", Value(contact))})[0].text("link_name") == keep);
}

TEST_CASE("merge rules: leads sharing any of their numbers form one group") {
  auto store = Memory::make();
  Store& s = *store;
  std::string a = s.insert("CRM Lead", {{"first_name", "A"}, {"mobile_no", "555 100 0001"}});
  std::string b = s.insert("CRM Lead", {{"first_name", "B"}, {"mobile_no", "555 100 0001"}, {"phone", "555 200 0002"}});
  std::string c = s.insert("CRM Lead", {{"first_name", "C"}, {"phone", "+1 555 200 0002"}});
  std::string d = s.insert("CRM Lead", {{"first_name", "D"}, {"phone", "555 300 0003"}, {"mobile_no", "555 300 0003"}});
  PhoneMerger merger(store);
  auto report = merger.bulk_merge("CRM Lead");
  REQUIRE(report.merges.size() == 1);
  CHECK(report.merges[0].target == a);
  CHECK(report.merges[0].sources() == std::vector<std::string>{b, c});
  CHECK(report.merges[0].steps[0].keys == std::vector<std::string>{"+15551000001", "+15552000002"});
  CHECK(report.merges[0].steps[1].keys == std::vector<std::string>{"+15552000002"});
  CHECK(s.get("CRM Lead", d)->text("custom_merged_into").empty());  // one record, two fields
  // The survivor keeps the other number as its secondary value.
  CHECK(s.get("CRM Lead", a)->text("phone") == "555 200 0002");
}

TEST_CASE("merge rules: the oldest record survives, by creation then name") {
  auto store = Memory::make();
  Store& s = *store;
  s.set_clock([] { return std::chrono::system_clock::from_time_t(1767225600); });  // all equal
  s.insert("HD Ticket", {{"name", "B"}, {"subject", "x"}, {"contact_mobile", "555 123 4567"}});
  s.insert("HD Ticket", {{"name", "A"}, {"subject", "x"}, {"contact_mobile", "555 123 4567"}});
  s.insert("HD Ticket", {{"name", "C"}, {"subject", "x"}, {"contact_mobile", "555 123 4567"},
                         {"creation", "2025-01-01 00:00:00.000000"}});
  PhoneMerger merger(store);
  CHECK(merger.find_duplicates("HD Ticket", "5551234567") == std::vector<std::string>{"C", "A", "B"});
  auto report = merger.bulk_merge("HD Ticket");
  CHECK(report.merges.at(0).target == "C");
  CHECK(report.merges.at(0).sources() == std::vector<std::string>{"A", "B"});
}

TEST_CASE("merge rules: the survivor keeps the alias its customer wrote to, else gains one") {
  auto store = Memory::make();
  Store& s = *store;
  std::string keep = s.insert("HD Ticket", {{"subject", "a"}, {"contact_mobile", "555 111 2222"}});
  s.insert("HD Ticket", {{"subject", "b"}, {"contact_mobile", "555-111-2222"},
                         {"custom_reply_email_alias", "help@brand-b.example"}});
  PhoneMerger merger(store);
  auto report = merger.bulk_merge("HD Ticket");
  REQUIRE(report.merges.size() == 1);
  CHECK(report.merges[0].target == keep);
  CHECK(s.get("HD Ticket", keep)->text("custom_reply_email_alias") == "help@brand-b.example");

  // Its own alias wins over a merged record's.
  std::string own = s.insert("HD Ticket", {{"subject", "c"}, {"contact_mobile", "555 333 4444"},
                                           {"custom_reply_email_alias", "support@brand-a.example"}});
  s.insert("HD Ticket", {{"subject", "d"}, {"contact_mobile", "555-333-4444"},
                         {"custom_reply_email_alias", "help@brand-b.example"}});
  REQUIRE(merger.bulk_merge("HD Ticket").merges.size() == 1);
  CHECK(s.get("HD Ticket", own)->text("custom_reply_email_alias") == "support@brand-a.example");
}
