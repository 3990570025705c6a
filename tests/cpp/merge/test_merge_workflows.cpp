// The seed's workflows ("Lead Auto-Merge by Phone Number", "Automatic Ticket Phone Merging"),
// on MemoryStore and SqliteStore; every merge atomic under a fault at any write, and
// idempotent.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <functional>

#include "merge_fixtures.h"

using namespace switchboard;
using namespace merge_fixtures;

TEST_CASE_TEMPLATE("merge: a lead gets its duplicate's call logs when its phone is set", F, Memory,
                   Sqlite) {
  auto store = F::make();
  Store& s = *store;
  // An old lead without a phone; a call creates a new lead with the phone and two call logs.
  std::string old_lead = s.insert("CRM Lead", {{"first_name", "Jane"}, {"email", "jane@example.com"}});
  std::string new_lead = s.insert("CRM Lead", {{"first_name", "Caller"}, {"mobile_no", "+1 (555) 123-4567"},
                                               {"organization", "Acme"}});
  std::string c1 = lead_call(s, "rc-1", new_lead);
  std::string c2 = lead_call(s, "rc-2", new_lead);

  // The user sets the number, written differently, on the old lead.
  s.update("CRM Lead", old_lead, {{"mobile_no", "555.123.4567"}});
  PhoneMerger merger(store);
  MergeReport dry = merger.on_phone_changed("CRM Lead", old_lead, /*dry_run=*/true);
  auto before_real = test_support::snapshot(s);
  MergeReport report = merger.on_phone_changed("CRM Lead", old_lead);

  // The dry run said exactly what the real run did, and wrote nothing.
  dry.dry_run = false;
  CHECK(dry == report);
  CHECK(report.target == old_lead);
  REQUIRE(report.sources() == std::vector<std::string>{new_lead});
  const MergeStep& step = report.steps.front();
  CHECK(step.keys == std::vector<std::string>{"+15551234567"});
  CHECK(step.moved.at("CRM Call Log.reference_docname") == std::vector<std::string>{c1, c2});
  CHECK(step.moved.at("Dynamic Link.link_name").size() == 2);
  CHECK(step.filled.get("organization") == Value("Acme"));  // a blank filled; own values win
  CHECK(report.rows_moved() == 4);

  // The call logs and their Dynamic Link rows are on the old lead; nothing points at the new.
  CHECK(names_where(s, "CRM Call Log", "reference_docname", old_lead) == std::vector<std::string>{c1, c2});
  CHECK(names_where(s, "CRM Call Log", "reference_docname", new_lead).empty());
  CHECK(names_where(s, "Dynamic Link", "link_name", old_lead).size() == 2);
  CHECK(names_where(s, "Dynamic Link", "link_name", new_lead).empty());
  for (const auto& link : s.find("Dynamic Link", Query{Filter("link_name", Value(old_lead))}))
    CHECK(link.text("parenttype") == "CRM Call Log");
  // The new lead is tombstoned, redirected, and audited.
  auto merged = s.get("CRM Lead", new_lead);
  CHECK(merged->text("custom_merged_into") == old_lead);
  CHECK(resolve_survivor(s, "CRM Lead", new_lead) == old_lead);
  CHECK(s.get("CRM Lead", old_lead)->text("first_name") == "Jane");
  CHECK(s.get("CRM Lead", old_lead)->text("organization") == "Acme");
  auto log = s.find(kMergeLogDoctype);
  REQUIRE(log.size() == 1);
  CHECK(log[0].text("reference_doctype") == "CRM Lead");
  CHECK(log[0].text("source_name") == new_lead);
  CHECK(log[0].text("target_name") == old_lead);
  CHECK(log[0].text("phone_key") == "+15551234567");
  CHECK(log[0].text("trigger") == "on_phone_changed");
  CHECK_FALSE(log[0].text("merged_on").empty());
  auto moved = nlohmann::json::parse(log[0].text("moved"));
  CHECK(moved["CRM Call Log.reference_docname"].size() == 2);
  auto before = nlohmann::json::parse(log[0].text("source_before"));
  CHECK(before["custom_merged_into"].is_null());

  // A second run changes nothing.
  auto after = test_support::snapshot(s);
  CHECK(after != before_real);
  MergeReport again = merger.on_phone_changed("CRM Lead", old_lead);
  CHECK(again.steps.empty());
  CHECK(again.skipped == "no_duplicates");
  CHECK(test_support::snapshot(s) == after);
  // The merged lead itself is out of the game.
  CHECK(merger.on_phone_changed("CRM Lead", new_lead).skipped == "target_merged");
}

TEST_CASE_TEMPLATE("merge: a ticket gets its duplicate's call logs when contact_mobile is set", F,
                   Memory, Sqlite) {
  auto store = F::make();
  Store& s = *store;
  std::string email_ticket = s.insert("HD Ticket", {{"subject", "Where is my order?"},
                                                    {"raised_by", "jane@example.com"}});
  std::string call_ticket = s.insert("HD Ticket", {{"subject", "Call from +1 555-123-4567"},
                                                   {"contact_mobile", "+1 555-123-4567"}});
  std::vector<std::string> calls = {ticket_call(s, "c1", call_ticket), ticket_call(s, "c2", call_ticket),
                                    ticket_call(s, "c3", call_ticket)};
  s.update("HD Ticket", email_ticket, {{"contact_mobile", "5551234567"}});
  PhoneMerger merger(store);
  MergeReport report = merger.on_phone_changed("HD Ticket", email_ticket);
  REQUIRE(report.sources() == std::vector<std::string>{call_ticket});
  CHECK(report.steps[0].moved.at("Helpdesk Call Log.ticket") == calls);
  CHECK(names_where(s, "Helpdesk Call Log", "ticket", email_ticket) == calls);
  CHECK(names_where(s, "Helpdesk Call Log", "ticket", call_ticket).empty());
  auto merged = s.get("HD Ticket", call_ticket);
  CHECK(merged->integer("is_merged") == 1);
  CHECK(merged->text("merged_with") == email_ticket);
  CHECK(merged->text("status") == "Closed");
  CHECK(resolve_survivor(s, "HD Ticket", call_ticket) == email_ticket);
  auto after = test_support::snapshot(s);
  CHECK(merger.on_phone_changed("HD Ticket", email_ticket).skipped == "no_duplicates");
  CHECK(merger.merge_call_logs("HD Ticket", email_ticket).steps.empty());
  CHECK(test_support::snapshot(s) == after);
}

TEST_CASE_TEMPLATE("merge: bulk_merge merges every group into its oldest ticket", F, Memory, Sqlite) {
  auto store = F::make();
  Store& s = *store;
  std::vector<std::string> jane;  // one customer, five tickets, five spellings of one number
  for (const char* phone : {"555.123.4567", "+1 (555) 123-4567", "15551234567", "555/123-4567",
                            "tel:+1-555-123-4567"})
    jane.push_back(s.insert("HD Ticket", {{"subject", "Jane"}, {"contact_mobile", phone}}));
  std::string bob1 = s.insert("HD Ticket", {{"subject", "Bob"}, {"contact_mobile", "+44 20 7946 0958"}});
  std::string alone = s.insert("HD Ticket", {{"subject", "Alone"}, {"contact_mobile", "+1 555 987 6543"}});
  std::string bob2 = s.insert("HD Ticket", {{"subject", "Bob again"}, {"contact_mobile", "011 44 20 7946 0958"}});
  for (std::size_t i = 0; i < jane.size(); ++i) ticket_call(s, "j" + std::to_string(i), jane[i]);
  ticket_call(s, "b", bob2);

  PhoneMerger merger(store);
  BulkMergeReport dry = merger.bulk_merge("HD Ticket", /*dry_run=*/true);
  auto untouched = test_support::snapshot(s);
  BulkMergeReport report = merger.bulk_merge("HD Ticket");
  CHECK(report.scanned == 8);
  REQUIRE(report.merges.size() == 2);
  CHECK(report.merges[0].target == jane[0]);  // the oldest
  CHECK(report.merges[0].sources() == std::vector<std::string>(jane.begin() + 1, jane.end()));
  CHECK(report.merges[1].target == bob1);
  CHECK(report.merges[1].sources() == std::vector<std::string>{bob2});
  CHECK(report.records_merged() == 5);
  CHECK(report.rows_moved() == 5);
  dry.dry_run = false;
  for (auto& m : dry.merges) m.dry_run = false;
  CHECK(dry == report);
  CHECK(test_support::snapshot(s) != untouched);

  CHECK(names_where(s, "Helpdesk Call Log", "ticket", jane[0]).size() == 5);
  CHECK(names_where(s, "Helpdesk Call Log", "ticket", bob1).size() == 1);
  for (std::size_t i = 1; i < jane.size(); ++i)
    CHECK(s.get("HD Ticket", jane[i])->text("merged_with") == jane[0]);
  CHECK(s.get("HD Ticket", alone)->integer("is_merged") == 0);
  CHECK(s.count(kMergeLogDoctype) == 5);

  auto after = test_support::snapshot(s);
  BulkMergeReport again = merger.bulk_merge("HD Ticket");
  CHECK(again.merges.empty());
  CHECK(again.scanned == 3);
  CHECK(test_support::snapshot(s) == after);
}

namespace {

// Data for the fault tests: leads and tickets with call logs, links, notes and attachments.
void seed_for_faults(Store& s) {
  std::string a = s.insert("CRM Lead", {{"name", "LA"}, {"first_name", "A"}, {"mobile_no", "555 123 4567"}});
  std::string b = s.insert("CRM Lead", {{"name", "LB"}, {"first_name", "B"}, {"phone", "+1 555 123 4567"},
                                        {"email", "b@example.com"}});
  std::string c = s.insert("CRM Lead", {{"name", "LC"}, {"mobile_no", "(555) 123-4567"}});
  lead_call(s, "r1", b);
  lead_call(s, "r2", c);
  s.insert("CRM Call Log", {{"id", "r3"}, {"reference_docname", a}},  // linked to a and b
           {{"links", {Document{{"link_doctype", "CRM Lead"}, {"link_name", a}},
                       Document{{"link_doctype", "CRM Lead"}, {"link_name", b}}}}});
  s.insert("Comment", {{"reference_doctype", "CRM Lead"}, {"reference_name", b}, {"content", "hi"}});
  s.insert("File", {{"attached_to_doctype", "CRM Lead"}, {"attached_to_name", c}, {"file_name", "1.pdf"}});
  s.insert("File", {{"attached_to_doctype", "CRM Lead"}, {"attached_to_name", c}, {"file_name", "2.pdf"}});
  std::string t1 = s.insert("HD Ticket", {{"name", "T1"}, {"subject", "x"}, {"contact_mobile", "555 222 3333"}});
  std::string t2 = s.insert("HD Ticket", {{"name", "T2"}, {"subject", "y"}, {"contact_mobile", "+15552223333"}});
  ticket_call(s, "h1", t2);
  ticket_call(s, "h2", t2);
  s.insert("Communication", {{"reference_doctype", "HD Ticket"}, {"reference_name", t2}, {"subject", "re"}});
  (void)t1;
}

// Runs `op` once to count its writes, then fails it at every write in turn: the store must be
// exactly as before each time.
void fail_at_every_write(const std::function<std::shared_ptr<Store>()>& make,
                         const std::function<bool(PhoneMerger&)>& op) {
  std::int64_t total = 0;
  {
    auto inner = make();
    seed_for_faults(*inner);
    auto faulty = make_faulty_store(inner);
    PhoneMerger merger(faulty);
    REQUIRE(op(merger));  // the operation really merges something
    total = faults(*faulty).writes();
  }
  REQUIRE(total >= 3);
  for (std::int64_t k = 1; k <= total; ++k) {
    CAPTURE(k);
    auto inner = make();
    seed_for_faults(*inner);
    auto before = test_support::snapshot(*inner);
    auto faulty = make_faulty_store(inner, FaultPlan{k, 0, 0});
    PhoneMerger merger(faulty);
    CHECK_THROWS_AS(op(merger), StoreError);
    CHECK(test_support::snapshot(*inner) == before);
    CHECK(inner->transaction_depth() == 0);
  }
  // A failed commit too.
  auto inner = make();
  seed_for_faults(*inner);
  auto before = test_support::snapshot(*inner);
  auto faulty = make_faulty_store(inner, FaultPlan{0, 1, 0});
  PhoneMerger merger(faulty);
  CHECK_THROWS_AS(op(merger), StoreError);
  CHECK(test_support::snapshot(*inner) == before);
}

}  // namespace

TEST_CASE_TEMPLATE("merge: a fault at any write of a merge leaves everything as it was", F, Memory,
                   Sqlite) {
  std::function<std::shared_ptr<Store>()> make = [] { return F::make(); };
  SUBCASE("on_phone_changed") {
    fail_at_every_write(make, [](PhoneMerger& m) { return m.on_phone_changed("CRM Lead", "LA").merged(); });
  }
  SUBCASE("merge_call_logs") {
    fail_at_every_write(make, [](PhoneMerger& m) { return m.merge_call_logs("HD Ticket", "T1").merged(); });
  }
  SUBCASE("merge") {
    fail_at_every_write(make, [](PhoneMerger& m) { return m.merge("CRM Lead", "LC", {"LA", "LB"}).merged(); });
  }
  SUBCASE("bulk_merge") {
    fail_at_every_write(make, [](PhoneMerger& m) { return m.bulk_merge("CRM Lead").records_merged() == 2; });
  }
}

TEST_CASE_TEMPLATE("merge: every merge is idempotent", F, Memory, Sqlite) {
  std::vector<std::function<void(PhoneMerger&)>> ops = {
      [](PhoneMerger& m) { m.on_phone_changed("CRM Lead", "LA"); },
      [](PhoneMerger& m) { m.merge_call_logs("HD Ticket", "T1"); },
      [](PhoneMerger& m) { m.merge("CRM Lead", "LC", {"LA", "LB"}); },
      [](PhoneMerger& m) { m.bulk_merge("CRM Lead"); },
      [](PhoneMerger& m) { m.bulk_merge("HD Ticket"); }};
  for (std::size_t i = 0; i < ops.size(); ++i) {
    CAPTURE(i);
    auto s = F::make();
    seed_for_faults(*s);
    PhoneMerger merger(s);
    ops[i](merger);
    auto once = test_support::snapshot(*s);
    ops[i](merger);
    CHECK(test_support::snapshot(*s) == once);
  }
}

TEST_CASE_TEMPLATE("merge: with batch_size, a failure keeps committed batches and no half merge",
                   F, Memory, Sqlite) {
  auto seed = [](Store& s) {
    for (int g = 0; g < 3; ++g) {
      std::string number = "555 100 000" + std::to_string(g);
      for (int k = 0; k < 2; ++k) {
        std::string t = s.insert("HD Ticket", {{"name", "G" + std::to_string(g) + "-" + std::to_string(k)},
                                               {"subject", "x"}, {"contact_mobile", number}});
        ticket_call(s, "call-" + t, t);
      }
    }
  };
  MergeOptions one_by_one;
  one_by_one.batch_size = 1;
  std::int64_t total = 0;
  {
    auto inner = F::make();
    seed(*inner);
    auto faulty = make_faulty_store(inner);
    CHECK(PhoneMerger(faulty, "", one_by_one).bulk_merge("HD Ticket").records_merged() == 3);
    total = faults(*faulty).writes();
  }
  for (std::int64_t k = 1; k <= total; ++k) {
    CAPTURE(k);
    auto inner = F::make();
    seed(*inner);
    auto faulty = make_faulty_store(inner, FaultPlan{k, 0, 0});
    CHECK_THROWS_AS(PhoneMerger(faulty, "", one_by_one).bulk_merge("HD Ticket"), StoreError);
    int merged = 0;
    for (int g = 0; g < 3; ++g) {
      const std::string target = "G" + std::to_string(g) + "-0", source = "G" + std::to_string(g) + "-1";
      const bool is_merged = inner->get("HD Ticket", source)->integer("is_merged") == 1;
      const auto on_target = names_where(*inner, "Helpdesk Call Log", "ticket", target).size();
      const auto logs = inner->count(kMergeLogDoctype, {Filter("source_name", Value(source))});
      if (is_merged) {
        ++merged;
        CHECK(on_target == 2);
        CHECK(logs == 1);
      } else {
        CHECK(on_target == 1);
        CHECK(logs == 0);
      }
    }
    CHECK(merged < 3);
    CHECK(inner->transaction_depth() == 0);
  }
}
