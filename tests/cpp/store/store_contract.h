// The Store contract: one suite every backend must pass. Each backend supplies a
// factory type with `static std::shared_ptr<Store> make()`; store_contract.cpp instantiates
// every case for MemoryStore, SqliteStore (a real file) and FaultyStore (never failing).
#pragma once

#include <doctest/doctest.h>

#include <atomic>
#include <limits>
#include <map>
#include <set>
#include <thread>

#include "switchboard/switchboard.h"
#include "test_support.h"

namespace contract {

using namespace switchboard;

inline std::string year_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  return std::to_string(tm.tm_year + 1900);
}

inline std::set<std::string> names_of(const std::vector<Document>& docs) {
  std::set<std::string> out;
  for (const auto& d : docs) out.insert(d.text("name"));
  return out;
}

// Three leads used by the filter cases.
inline void seed_leads(Store& s) {
  s.insert("CRM Lead", {{"name", "L1"}, {"first_name", "Ann"}, {"email", "ann@example.com"},
                        {"annual_revenue", 10.5}, {"no_of_employees", "11-50"}});
  s.insert("CRM Lead", {{"name", "L2"}, {"first_name", "bob"}, {"email", ""},
                        {"annual_revenue", 200}, {"status", "Contacted"}});
  s.insert("CRM Lead", {{"name", "L3"}, {"first_name", "Ćeline"}, {"annual_revenue", 30},
                        {"converted", 1}});
}

// Whether a factory's backend compares names and unique values under a case- and
// accent-insensitive collation (MariaDB's utf8mb4_unicode_ci, as Frappe on MariaDB does):
// factories say so with `static bool collated_names()`.
template <typename F, typename = void>
struct has_collated_names : std::false_type {};
template <typename F>
struct has_collated_names<F, std::void_t<decltype(F::collated_names())>> : std::true_type {};
template <typename F>
bool collated_names() {
  if constexpr (has_collated_names<F>::value) return F::collated_names();
  else return false;
}

}  // namespace contract

TEST_CASE_TEMPLATE_DEFINE("contract: naming follows Frappe", F, contract_naming) {
  using namespace switchboard;
  auto s = F::make();
  std::string year = contract::year_now();
  CHECK(s->insert("CRM Lead", {{"first_name", "Ann"}}) == "CRM-LEAD-" + year + "-00001");
  CHECK(s->insert("CRM Lead", {{"first_name", "Bob"}}) == "CRM-LEAD-" + year + "-00002");
  CHECK(s->insert("CRM Deal", {{"organization", "Acme"}}) == "CRM-DEAL-" + year + "-00001");
  CHECK(s->insert("HD Ticket", {{"subject", "Help"}}) == "0001");
  CHECK(s->insert("HD Ticket", {{"subject", "Again"}}) == "0002");
  std::string comm = s->insert("Communication", {{"subject", "Hi"}});
  CHECK(comm.size() == 10);
  CHECK(comm.find_first_not_of("0123456789abcdefghijklmnopqrstuv") == std::string::npos);
  CHECK(s->insert("CRM Call Log", {{"id", "rc-123"}, {"type", "Incoming"}}) == "rc-123");
  CHECK(s->insert("CRM Call Log", {{"type", "Outgoing"}}).size() == 12);
  CHECK(s->insert("Contact", {{"full_name", "Jane Doe"}}) == "Jane Doe");
  CHECK(s->insert("Contact", {{"full_name", "Jane Doe"}}) == "Jane Doe-1");
  CHECK(s->insert("Contact", {{"full_name", "Jane Doe"}}) == "Jane Doe-2");
  CHECK(s->insert("Customer", {{"customer_name", "Acme"}}) == "Acme");
  CHECK(s->insert("Customer", {{"customer_name", "Acme"}}) == "Acme - 1");
  CHECK(s->insert("CRM RingCentral Settings", {{"client_id", "x"}}) == "CRM RingCentral Settings");
  CHECK(s->insert("Sales Order", {{"customer", "Acme"}}) == "SAL-ORD-" + year + "-00001");
  // A given name wins; a taken one is a duplicate.
  CHECK(s->insert("CRM Lead", {{"name", "LEAD-X"}, {"first_name", "X"}}) == "LEAD-X");
  CHECK_THROWS_AS(s->insert("CRM Lead", {{"name", "LEAD-X"}}), StoreError);
  try {
    s->insert("CRM Lead", {{"name", "LEAD-X"}});
  } catch (const StoreError& e) {
    CHECK(e.code() == ErrorCode::kDuplicate);
  }
}

TEST_CASE_TEMPLATE_DEFINE("contract: insert fills standard columns and defaults", F,
                          contract_insert) {
  using namespace switchboard;
  auto s = F::make();
  s->set_clock([] { return std::chrono::system_clock::from_time_t(1767225600); });  // 2026-01-01
  std::string name = s->insert("CRM Lead", {{"first_name", "Ann"}, {"mobile_no", "+1 555"}});
  auto lead = s->get("CRM Lead", name);
  REQUIRE(lead);
  CHECK(lead->text("first_name") == "Ann");
  CHECK(lead->text("status") == "New");
  CHECK(lead->get("converted") == Value(0));
  CHECK(lead->get("annual_revenue") == Value(0.0));
  CHECK(lead->get("docstatus") == Value(0));
  CHECK(lead->text("owner") == "Administrator");
  CHECK(lead->text("creation") == s->now());
  CHECK(lead->text("creation") == lead->text("modified"));
  CHECK(lead->text("creation").size() == 26);
  CHECK(lead->contains("last_name"));  // every schema field is present...
  CHECK(lead->get("last_name").is_null());  // ...null when unset
  CHECK_FALSE(s->get("CRM Lead", "nope"));
  CHECK_FALSE(s->exists("CRM Lead", "nope"));
  CHECK(s->exists("CRM Lead", name));
  try {
    s->get("No Such Doctype", "x");
    FAIL("expected NotFound");
  } catch (const NotFound& e) {
    CHECK(e.code() == ErrorCode::kUnknownDoctype);
  }
  // Default records exist in every fresh store.
  CHECK(s->get("CRM Lead Status", "New")->text("type") == "Open");
  CHECK(s->get("CRM Deal Status", "Won")->text("type") == "Won");
  CHECK(s->get("HD Ticket Status", "Replied")->text("category") == "Paused");
  CHECK(s->count("HD Ticket Status") == 4);
}

TEST_CASE_TEMPLATE_DEFINE("contract: values are coerced to the field types", F, contract_coerce) {
  using namespace switchboard;
  auto s = F::make();
  std::string name = s->insert("CRM Lead", {{"first_name", 42}, {"converted", "1"},
                                            {"annual_revenue", "12.5"}, {"position", Value()}});
  auto lead = s->get("CRM Lead", name);
  CHECK(lead->get("first_name") == Value("42"));
  CHECK(lead->get("converted") == Value(1));
  CHECK(lead->get("annual_revenue") == Value(12.5));
  CHECK_THROWS_AS(s->insert("CRM Lead", {{"converted", "yes"}}), ValidationError);
  CHECK_THROWS_AS(s->insert("CRM Lead", {{"bad field", 1}}), ValidationError);
  CHECK_THROWS_AS(s->update("CRM Lead", name, {{"converted", 1.5}}), ValidationError);
  // No backend stores NaN or infinity (SQLite would write NULL, a memory store NaN).
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH_AS(s->insert("CRM Lead", {{"annual_revenue", nan}}),
                       doctest::Contains("annual_revenue"), ValidationError);
  CHECK_THROWS_AS(s->insert("CRM Lead", {{"annual_revenue", "inf"}}), ValidationError);
  CHECK_THROWS_AS(s->update("CRM Lead", name, {{"annual_revenue", -inf}}), ValidationError);
  CHECK_THROWS_AS(s->insert("CRM Lead", {{"custom_ratio", nan}}), ValidationError);
  CHECK_THROWS_AS(s->find("CRM Lead", {Filter("annual_revenue", nan)}), ValidationError);
  CHECK(lead->get("annual_revenue") == Value(12.5));
  // Filter values are coerced too: "1" finds the integer 1.
  CHECK(s->find("CRM Lead", {Filter("converted", "1")}).size() == 1);
}

TEST_CASE_TEMPLATE_DEFINE("contract: custom fields are kept", F, contract_custom) {
  using namespace switchboard;
  auto s = F::make();
  std::string a = s->insert("HD Ticket", {{"subject", "A"}, {"custom_region", "EU"},
                                          {"custom_score", 7}, {"custom_ratio", 0.5}});
  std::string b = s->insert("HD Ticket", {{"subject", "B"}});
  auto t = s->get("HD Ticket", a);
  CHECK(t->get("custom_region") == Value("EU"));
  CHECK(t->get("custom_score") == Value(7));  // keeps its type
  CHECK(t->get("custom_ratio") == Value(0.5));
  CHECK_FALSE(s->get("HD Ticket", b)->contains("custom_region"));  // unset custom: absent
  CHECK(contract::names_of(s->find("HD Ticket", {Filter("custom_region", "EU")})) ==
        std::set<std::string>{a});
  CHECK(s->find("HD Ticket", {Filter("custom_never_written", "x")}).empty());
  auto projected = s->find("HD Ticket", Query{Filter("name", a)}.select({"custom_score", "nothing"}));
  REQUIRE(projected.size() == 1);
  CHECK(projected[0].get("custom_score") == Value(7));
  CHECK(projected[0].get("nothing").is_null());
  s->update("HD Ticket", b, {{"custom_region", "US"}});
  CHECK(s->get("HD Ticket", b)->text("custom_region") == "US");
  s->update("HD Ticket", b, {{"custom_region", Value()}});
  CHECK_FALSE(s->get("HD Ticket", b)->contains("custom_region"));
}

TEST_CASE_TEMPLATE_DEFINE("contract: every filter operator", F, contract_filters) {
  using namespace switchboard;
  auto s = F::make();
  contract::seed_leads(*s);
  auto names = [&](Filters f) { return contract::names_of(s->find("CRM Lead", Query(std::move(f)))); };
  using Set = std::set<std::string>;
  CHECK(names({Filter("first_name", "Ann")}) == Set{"L1"});
  CHECK(names({Filter("first_name", "ann")}).empty());  // = is exact
  CHECK(names({Filter("email", Value())}) == Set{"L3"});  // = null is "is null"
  CHECK(names({Filter("email", Op::kNe, "ann@example.com")}) == Set{"L2", "L3"});  // null as ''
  CHECK(names({Filter("email", Op::kNe, "")}) == Set{"L1"});
  CHECK(names({Filter("email", Op::kNe, Value())}) == Set{"L1", "L2"});
  CHECK(names({Filter("annual_revenue", Op::kLt, 30)}) == Set{"L1"});
  CHECK(names({Filter("annual_revenue", Op::kLe, 30)}) == Set{"L1", "L3"});
  CHECK(names({Filter("annual_revenue", Op::kGt, 30)}) == Set{"L2"});
  CHECK(names({Filter("annual_revenue", Op::kGe, "30")}) == Set{"L2", "L3"});
  CHECK(names({Filter("email", Op::kLt, "b")}) == Set{"L1", "L2"});  // null never compares
  CHECK(names({Filter("status", Op::kIn, std::vector<Value>{"New", "Lost"})}) == Set{"L1", "L3"});
  CHECK(names({Filter("status", Op::kIn, std::vector<Value>{})}).empty());
  CHECK(names({Filter("email", Op::kNotIn, std::vector<Value>{"ann@example.com"})}) ==
        Set{"L2", "L3"});
  CHECK(names({Filter("email", Op::kNotIn, std::vector<Value>{""})}) == Set{"L1"});
  CHECK(names({Filter("status", Op::kNotIn, std::vector<Value>{})}) == Set{"L1", "L2", "L3"});
  CHECK(names({Filter("first_name", Op::kLike, "a%")}) == Set{"L1"});  // ASCII case-insensitive
  CHECK(names({Filter("first_name", Op::kLike, "%o_")}) == Set{"L2"});
  CHECK(names({Filter("first_name", Op::kLike, "_eline")}) == Set{"L3"});  // _ is one character
  CHECK(names({Filter("email", Op::kLike, "%")}) == Set{"L1", "L2"});
  CHECK(names({Filter("email", Op::kNotLike, "%example%")}) == Set{"L2", "L3"});
  CHECK(names({Filter("email", Op::kIsSet, Value())}) == Set{"L1"});
  CHECK(names({Filter("email", Op::kIsNotSet, Value())}) == Set{"L2", "L3"});
  CHECK(names({Filter("converted", Op::kIsSet, Value())}) == Set{"L1", "L2", "L3"});  // 0 is set
  CHECK(names({Filter("annual_revenue", Op::kBetween, std::vector<Value>{10.5, 30})}) ==
        Set{"L1", "L3"});
  CHECK(names({Filter::make("email", "is", "set")}) == Set{"L1"});
  CHECK(names({Filter::make("email", "is", "not set")}) == Set{"L2", "L3"});
  CHECK(names({Filter("converted", 0), Filter("annual_revenue", Op::kGt, 100)}) == Set{"L2"});
  CHECK_THROWS_AS(s->find("CRM Lead", {Filter("status", Op::kIn, std::vector<Value>{Value()})}),
                  ValidationError);
  CHECK_THROWS_AS(s->find("CRM Lead", {Filter("x; drop", "1")}), ValidationError);
  CHECK_THROWS_AS(Filter::make("email", "regexp", "x"), ValidationError);
  // Long lists take another path in SQL; same answer.
  std::vector<Value> many;
  for (int i = 0; i < 200; ++i) many.emplace_back("L" + std::to_string(i));
  CHECK(names({Filter("name", Op::kIn, many)}) == Set{"L1", "L2", "L3"});
  CHECK(names({Filter("name", Op::kNotIn, many)}).empty());
  CHECK(s->count("CRM Lead", {Filter("converted", 0)}) == 2);
  CHECK(s->count("CRM Lead") == 3);
}

TEST_CASE_TEMPLATE_DEFINE("contract: fields, order_by, limit and offset", F, contract_query) {
  using namespace switchboard;
  auto s = F::make();
  contract::seed_leads(*s);
  auto rows = s->find("CRM Lead", Query().select({"name", "annual_revenue"}).order("annual_revenue desc"));
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].text("name") == "L2");
  CHECK(rows[1].text("name") == "L3");
  CHECK(rows[2].text("name") == "L1");
  CHECK(rows[0].size() == 2);
  rows = s->find("CRM Lead", Query().select({"name"}).order("email asc, name desc"));
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].text("name") == "L3");  // null sorts first ascending
  CHECK(rows[1].text("name") == "L2");  // "" next
  rows = s->find("CRM Lead", Query().select({"name"}).order("name").take(2).skip(1));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].text("name") == "L2");
  CHECK(rows[1].text("name") == "L3");
  CHECK(s->find("CRM Lead", Query().order("name").skip(2)).size() == 1);
  CHECK(s->find("CRM Lead", Query().take(0)).empty());
  auto one = s->find_one("CRM Lead", Query().order("name desc"));
  REQUIRE(one);
  CHECK(one->text("name") == "L3");
  CHECK(one->text("status") == "New");
  CHECK_THROWS_AS(s->find("CRM Lead", Query().order("name sideways")), ValidationError);
  CHECK_THROWS_AS(s->find("CRM Lead", Query().order("name; drop table x")), ValidationError);
  CHECK_THROWS_AS(s->find("CRM Lead", Query().take(-1)), ValidationError);
}

TEST_CASE_TEMPLATE_DEFINE("contract: update and update_where", F, contract_update) {
  using namespace switchboard;
  auto s = F::make();
  contract::seed_leads(*s);
  s->set_clock([] { return std::chrono::system_clock::from_time_t(1893456000); });  // 2030
  s->update("CRM Lead", "L1", {{"status", "Nurture"}});
  auto l1 = s->get("CRM Lead", "L1");
  CHECK(l1->text("status") == "Nurture");
  CHECK(l1->text("modified") == s->now());
  CHECK(l1->text("creation") != s->now());
  s->set_clock([] { return std::chrono::system_clock::from_time_t(1924992000); });  // 2031
  s->update("CRM Lead", "L1", {{"status", "New"}}, /*update_modified=*/false);
  CHECK(s->get("CRM Lead", "L1")->text("modified") == l1->text("modified"));
  CHECK_THROWS_AS(s->update("CRM Lead", "missing", {{"status", "New"}}), NotFound);
  CHECK_THROWS_AS(s->update("CRM Lead", "L1", {{"name", "L9"}}), ValidationError);
  CHECK(s->update_where("CRM Lead", {Filter("converted", 0)}, {{"source", "Web"}}) == 2);
  CHECK(s->count("CRM Lead", {Filter("source", "Web")}) == 2);
  CHECK(s->update_where("CRM Lead", {Filter("first_name", "nobody")}, {{"source", "X"}}) == 0);
  CHECK(s->get("CRM Lead", "L3")->get("source").is_null());
}

TEST_CASE_TEMPLATE_DEFINE("contract: child rows and cascading remove", F, contract_children) {
  using namespace switchboard;
  auto s = F::make();
  std::string c = s->insert(
      "Contact", {{"full_name", "Jane"}},
      {{"email_ids", {Document{{"email_id", "jane@x.com"}, {"is_primary", 1}},
                      Document{{"email_id", "j@y.com"}}}},
       {"phone_nos", {Document{{"phone", "+15551234567"}}}},
       {"links", {Document{{"link_doctype", "Customer"}, {"link_name", "Acme"}}}}});
  auto emails = s->find("Contact Email", Query{Filter("parent", c)}.order("idx"));
  REQUIRE(emails.size() == 2);
  CHECK(emails[0].text("parenttype") == "Contact");
  CHECK(emails[0].text("parentfield") == "email_ids");
  CHECK(emails[0].integer("idx") == 1);
  CHECK(emails[1].integer("idx") == 2);
  CHECK(emails[0].text("name").size() == 10);
  // A standalone child row needs its parent fields and gets the next idx.
  CHECK_THROWS_AS(s->insert("Contact Email", {{"email_id", "x@x.com"}}), ValidationError);
  s->insert("Contact Email", {{"email_id", "third@x.com"}, {"parent", c},
                              {"parenttype", "Contact"}, {"parentfield", "email_ids"}});
  CHECK(s->find_one("Contact Email", Query{Filter("email_id", "third@x.com")})->integer("idx") == 3);
  // An unknown table field fails before anything is written.
  auto before = s->count("Contact");
  CHECK_THROWS_AS(s->insert("Contact", {{"full_name", "Bad"}},
                            {{"nonsense", {Document{{"email_id", "a@b"}}}}}),
                  ValidationError);
  CHECK(s->count("Contact") == before);
  // Dynamic Link rows of another parent type survive the cascade.
  s->insert("CRM Call Log", {{"id", "call-1"}},
            {{"links", {Document{{"link_doctype", "CRM Lead"}, {"link_name", "L1"}}}}});
  s->remove("Contact", c);
  CHECK_FALSE(s->exists("Contact", c));
  CHECK(s->count("Contact Email", {Filter("parent", c)}) == 0);
  CHECK(s->count("Contact Phone", {Filter("parent", c)}) == 0);
  CHECK(s->count("Dynamic Link", {Filter("parenttype", "Contact")}) == 0);
  CHECK(s->count("Dynamic Link", {Filter("parenttype", "CRM Call Log")}) == 1);
  CHECK_THROWS_AS(s->remove("Contact", c), NotFound);
  s->insert("Sales Order", {{"name", "SO1"}, {"customer", "A"}},
            {{"items", {Document{{"item_code", "X"}, {"qty", 1}}}}});
  s->insert("Sales Order", {{"name", "SO2"}, {"customer", "B"}},
            {{"items", {Document{{"item_code", "Y"}, {"qty", 2}}}}});
  CHECK(s->remove_where("Sales Order", {Filter("customer", "A")}) == 1);
  CHECK(s->count("Sales Order Item") == 1);
  CHECK(s->remove_where("Comment", {}) == 0);
}

TEST_CASE_TEMPLATE_DEFINE("contract: transactions nest and roll back exactly", F, contract_tx) {
  using namespace switchboard;
  auto s = F::make();
  contract::seed_leads(*s);
  auto before = test_support::snapshot(*s);
  {
    Transaction tx(*s);
    s->insert("CRM Lead", {{"first_name", "Temp"}});
    s->update("CRM Lead", "L1", {{"status", "Junk"}});
    s->remove("CRM Lead", "L2");
    s->insert("HD Ticket", {{"subject", "x"}, {"custom_new_field", "y"}});
    CHECK(s->transaction_depth() == 1);
  }  // destroyed without commit: rolled back
  CHECK(test_support::snapshot(*s) == before);
  CHECK(s->transaction_depth() == 0);

  s->begin();
  s->insert("CRM Lead", {{"name", "outer"}});
  s->begin();
  s->insert("CRM Lead", {{"name", "inner"}});
  CHECK(s->transaction_depth() == 2);
  s->rollback();  // inner only
  s->begin();
  s->insert("CRM Lead", {{"name", "inner2"}});
  s->commit();
  s->commit();
  CHECK(s->exists("CRM Lead", "outer"));
  CHECK_FALSE(s->exists("CRM Lead", "inner"));
  CHECK(s->exists("CRM Lead", "inner2"));

  // An exception inside in_transaction leaves no trace, including the series counter.
  std::string year = contract::year_now();
  auto snap = test_support::snapshot(*s);
  CHECK_THROWS_AS(in_transaction(*s,
                                 [&] {
                                   s->insert("CRM Lead", {{"first_name", "Gone"}});
                                   throw ValidationError("boom");
                                 }),
                  ValidationError);
  CHECK(test_support::snapshot(*s) == snap);
  CHECK(s->insert("CRM Lead", {{"first_name", "Next"}}) == "CRM-LEAD-" + year + "-00001");
  CHECK_THROWS_AS(s->commit(), StoreError);
  CHECK_THROWS_AS(s->rollback(), StoreError);
  CHECK_THROWS_AS(s->lock("k"), StoreError);  // outside a transaction
}

TEST_CASE_TEMPLATE_DEFINE("contract: naming-series numbers inside nested transactions", F,
                          contract_series_tx) {
  using namespace switchboard;
  auto s = F::make();
  auto stored = [&] { return s->get("Series", "SBT-").value().integer("current"); };
  s->begin();
  CHECK(s->next_series("SBT-") == 1);
  CHECK(s->next_series("SBT-") == 2);
  CHECK(s->next_series("SBT-") == 3);
  CHECK(stored() == 3);  // a read inside the transaction sees every number handed out
  s->begin();
  CHECK(s->next_series("SBT-") == 4);
  CHECK(s->next_series("SBT-") == 5);
  s->rollback();  // the savepoint gives its numbers back
  CHECK(s->next_series("SBT-") == 4);
  s->begin();
  CHECK(s->next_series("SBT-") == 5);
  CHECK(stored() == 5);
  CHECK(s->next_series("SBT-") == 6);
  s->rollback();  // also after the savepoint had written its numbers for the read
  CHECK(stored() == 4);
  s->begin();
  CHECK(s->next_series("SBT-") == 5);
  CHECK(s->next_series("SBT-") == 6);
  s->commit();  // released into the outer transaction
  CHECK(s->next_series("SBT-") == 7);
  s->commit();
  CHECK(stored() == 7);
  CHECK(s->next_series("SBT-") == 8);  // outside a transaction

  s->begin();
  CHECK(s->next_series("SBT-") == 9);
  CHECK(s->next_series("SBT-") == 10);
  s->rollback();
  CHECK(stored() == 8);
  s->begin();
  CHECK(s->next_series("SBT-") == 9);
  CHECK(s->next_series("SBT-") == 10);
  s->commit();
  CHECK(stored() == 10);
}

TEST_CASE_TEMPLATE_DEFINE("contract: unique fields and duplicate names", F, contract_unique) {
  using namespace switchboard;
  auto s = F::make();
  s->insert("Helpdesk Call Log", {{"call_id", "c1"}});
  CHECK_THROWS_AS(s->insert("Helpdesk Call Log", {{"name", "other"}, {"call_id", "c1"}}),
                  StoreError);
  CHECK(s->count("Helpdesk Call Log") == 1);
  s->insert("Helpdesk Call Log", {{"call_id", ""}});
  s->insert("Helpdesk Call Log", {{"call_id", ""}});  // empty is not a value
  s->insert("Helpdesk Call Log", {{"name", "x1"}});
  s->insert("Helpdesk Call Log", {{"name", "x2"}});
  CHECK(s->count("Helpdesk Call Log") == 5);
  CHECK_THROWS_AS(s->update("Helpdesk Call Log", "x1", {{"call_id", "c1"}}), StoreError);
  CHECK_THROWS_AS(s->update_where("Helpdesk Call Log", {Filter("name", Op::kIn, std::vector<Value>{"x1", "x2"})},
                                  {{"call_id", "c9"}}),
                  StoreError);
  CHECK(s->count("Helpdesk Call Log", {Filter("call_id", "c9")}) == 0);
  s->update("Helpdesk Call Log", "x1", {{"call_id", "c2"}});
  CHECK(s->get("Helpdesk Call Log", "x1")->text("call_id") == "c2");
}

TEST_CASE_TEMPLATE_DEFINE("contract: a fault at every write leaves the store unchanged", F,
                          contract_faults) {
  using namespace switchboard;
  // The multi-write operation: a lead, a contact with child rows, updates, a removal.
  auto operation = [](Store& s) {
    Transaction tx(s);
    std::string lead = s.insert("CRM Lead", {{"first_name", "Ann"}, {"custom_x", 1}});
    s.insert("Contact", {{"full_name", "Ann"}},
             {{"email_ids", {Document{{"email_id", "ann@x.com"}}}},
              {"phone_nos", {Document{{"phone", "555"}}}}});
    s.update("CRM Lead", "L1", {{"status", "Junk"}});
    s.update_where("CRM Lead", {Filter("converted", 0)}, {{"source", "Import"}});
    s.remove("CRM Lead", "L3");
    s.insert("Communication", {{"subject", "x"}, {"reference_name", lead}});
    tx.commit();
  };
  // Count the writes once, then fail at each position in turn.
  std::int64_t total = 0;
  {
    auto inner = F::make();
    contract::seed_leads(*inner);
    auto faulty = make_faulty_store(inner);
    operation(*faulty);
    total = faults(*faulty).writes();
  }
  REQUIRE(total >= 8);
  for (std::int64_t k = 1; k <= total; ++k) {
    CAPTURE(k);
    auto inner = F::make();
    contract::seed_leads(*inner);
    auto before = test_support::snapshot(*inner);
    auto faulty = make_faulty_store(inner, FaultPlan{k, 0, 0});
    CHECK_THROWS_AS(operation(*faulty), StoreError);
    CHECK(test_support::snapshot(*inner) == before);
    CHECK(inner->transaction_depth() == 0);
  }
  // A failed commit also leaves nothing behind.
  auto inner = F::make();
  contract::seed_leads(*inner);
  auto before = test_support::snapshot(*inner);
  auto faulty = make_faulty_store(inner, FaultPlan{0, 1, 0});
  CHECK_THROWS_AS(operation(*faulty), StoreError);
  CHECK(test_support::snapshot(*inner) == before);
}

TEST_CASE_TEMPLATE_DEFINE("contract: concurrent threads are serialized", F, contract_threads) {
  using namespace switchboard;
  auto s = F::make();
  constexpr int kThreads = 4, kEach = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      try {
        for (int i = 0; i < kEach; ++i) {
          Transaction tx(*s);
          s->insert("CRM Lead", {{"first_name", "T"}});
          s->insert("HD Ticket", {{"subject", "T"}});
          tx.commit();
        }
      } catch (...) {
        ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  CHECK(s->count("CRM Lead") == kThreads * kEach);
  auto tickets = s->find("HD Ticket", Query().select({"name"}).order("name"));
  REQUIRE(tickets.size() == static_cast<std::size_t>(kThreads * kEach));
  CHECK(tickets.front().text("name") == "0001");
  CHECK(tickets.back().text("name") == "0200");
  // lock() inside a transaction is available on every built-in backend.
  Transaction tx(*s);
  CHECK((s->capabilities() & Capability::kLock) != 0);
  s->lock("ringcentral-token");
  tx.commit();
}

TEST_CASE_TEMPLATE_DEFINE("contract: names and text order follow the backend's collation", F,
                          contract_collation) {
  using namespace switchboard;
  auto s = F::make();
  s->insert("CRM Lead", {{"name", "Ann"}, {"first_name", "B"}});
  s->insert("CRM Lead", {{"name", "L2"}, {"first_name", "a"}});
  s->insert("Helpdesk Call Log", {{"call_id", "C1"}});
  s->insert("Contact", {{"full_name", "Jane Doe"}});
  // Filters are exact on every backend.
  CHECK(s->find("CRM Lead", {Filter("name", "ann")}).empty());
  CHECK(s->find("CRM Lead", {Filter("first_name", Op::kIn, std::vector<Value>{"b"})}).empty());
  auto order = s->find("CRM Lead", Query().select({"name"}).order("first_name asc"));
  REQUIRE(order.size() == 2);
  if (contract::collated_names<F>()) {
    // One name whatever its case, accents or trailing spaces, as in Frappe on MariaDB.
    CHECK(s->exists("CRM Lead", "ann"));
    CHECK(s->exists("CRM Lead", "ÁNN"));
    CHECK_THROWS_AS(s->insert("CRM Lead", {{"name", "ann"}}), StoreError);
    CHECK_THROWS_AS(s->insert("Helpdesk Call Log", {{"call_id", "c1"}}), StoreError);
    CHECK(s->insert("Contact", {{"full_name", "jane doe"}}) == "jane doe-1");
    // Text sorts and compares (<, <=, >, >=, between) under the collation: "a" before "B".
    CHECK(order[0].text("name") == "L2");
    CHECK(s->find("CRM Lead", {Filter("first_name", Op::kLt, "a")}).empty());
  } else {
    CHECK_FALSE(s->exists("CRM Lead", "ann"));
    CHECK(s->insert("CRM Lead", {{"name", "ann"}}) == "ann");
    CHECK(s->insert("Helpdesk Call Log", {{"call_id", "c1"}}) != "");
    CHECK(s->insert("Contact", {{"full_name", "jane doe"}}) == "jane doe");
    // Bytewise: "B" (0x42) before "a" (0x61).
    CHECK(order[0].text("name") == "Ann");
    CHECK(contract::names_of(s->find("CRM Lead", {Filter("first_name", Op::kLt, "a")})) ==
          std::set<std::string>{"Ann"});
  }
}

#define SWITCHBOARD_INSTANTIATE_CONTRACT(...)                                   \
  TEST_CASE_TEMPLATE_INVOKE(contract_naming, __VA_ARGS__);                      \
  TEST_CASE_TEMPLATE_INVOKE(contract_insert, __VA_ARGS__);                      \
  TEST_CASE_TEMPLATE_INVOKE(contract_coerce, __VA_ARGS__);                      \
  TEST_CASE_TEMPLATE_INVOKE(contract_custom, __VA_ARGS__);                      \
  TEST_CASE_TEMPLATE_INVOKE(contract_filters, __VA_ARGS__);                     \
  TEST_CASE_TEMPLATE_INVOKE(contract_query, __VA_ARGS__);                       \
  TEST_CASE_TEMPLATE_INVOKE(contract_update, __VA_ARGS__);                      \
  TEST_CASE_TEMPLATE_INVOKE(contract_children, __VA_ARGS__);                    \
  TEST_CASE_TEMPLATE_INVOKE(contract_tx, __VA_ARGS__);                          \
  TEST_CASE_TEMPLATE_INVOKE(contract_series_tx, __VA_ARGS__);                   \
  TEST_CASE_TEMPLATE_INVOKE(contract_unique, __VA_ARGS__);                      \
  TEST_CASE_TEMPLATE_INVOKE(contract_faults, __VA_ARGS__);                      \
  TEST_CASE_TEMPLATE_INVOKE(contract_threads, __VA_ARGS__);                     \
  TEST_CASE_TEMPLATE_INVOKE(contract_collation, __VA_ARGS__)
