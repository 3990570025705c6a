// MariaDbStore's backend on a real server, called directly through StoreBackend.
#include <set>
#include <thread>

#include "mariadb_test_support.h"
#include "switchboard/store_backend.h"
#include "switchboard/error.h"
#include "switchboard/schema.h"

using namespace switchboard;

namespace {

Document lead(const char* name, Document extra = {}) {
  Document d{{"name", name}, {"creation", "2026-01-01 09:30:00.000000"},
             {"modified", "2026-01-01 09:30:00.000000"}, {"owner", "Administrator"},
             {"modified_by", "Administrator"}, {"docstatus", 0}, {"idx", 0},
             {"status", "New"}, {"converted", 0}, {"annual_revenue", 0.0}};
  d.merge(extra);
  return d;
}

std::set<std::string> names(const std::vector<Document>& docs) {
  std::set<std::string> out;
  for (const auto& d : docs) out.insert(d.text("name"));
  return out;
}

}  // namespace

TEST_CASE("mariadb backend: CRUD, filters and transactions") {
  if (!mariadb_test::server_url()) return mariadb_test::skip();
  mariadb_test::Database db;
  auto b = make_mariadb_backend(db.url());
  b->open(Schema::standard());
  b->begin();
  b->insert("CRM Lead", lead("L1", {{"first_name", "Ann"}, {"email", "ann@example.com"},
                                    {"annual_revenue", 10.5}}));
  b->insert("CRM Lead", lead("L2", {{"first_name", "bob"}, {"email", ""},
                                    {"annual_revenue", 200.0}, {"status", "Contacted"}}));
  b->insert("CRM Lead", lead("L3", {{"first_name", "Ćeline"}, {"annual_revenue", 30.0},
                                    {"converted", 1}}));
  b->commit();
  auto l1 = b->get("CRM Lead", "L1");
  REQUIRE(l1);
  CHECK(l1->text("first_name") == "Ann");
  CHECK(l1->get("annual_revenue") == Value(10.5));
  CHECK(l1->get("converted") == Value(0));
  CHECK(l1->text("creation") == "2026-01-01 09:30:00.000000");
  CHECK(l1->contains("last_name"));
  CHECK(l1->get("last_name").is_null());
  CHECK(b->get("CRM Lead", "l1"));  // names compare under the collation, as in Frappe
  auto q = [&](Filters f) { return names(b->find("CRM Lead", Query(std::move(f)))); };
  using Set = std::set<std::string>;
  CHECK(q({Filter("first_name", "Ann")}) == Set{"L1"});
  CHECK(q({Filter("first_name", "ann")}).empty());
  CHECK(q({Filter("email", Value())}) == Set{"L3"});
  CHECK(q({Filter("email", Op::kNe, "ann@example.com")}) == Set{"L2", "L3"});
  CHECK(q({Filter("email", Op::kNe, "")}) == Set{"L1"});
  CHECK(q({Filter("annual_revenue", Op::kLt, 30.0)}) == Set{"L1"});
  CHECK(q({Filter("email", Op::kLt, "b")}) == Set{"L1", "L2"});
  CHECK(q({Filter("status", Op::kIn, std::vector<Value>{"New", "Lost"})}) == Set{"L1", "L3"});
  CHECK(q({Filter("email", Op::kNotIn, std::vector<Value>{""})}) == Set{"L1"});
  CHECK(q({Filter("first_name", Op::kLike, "a%")}) == Set{"L1"});
  CHECK(q({Filter("first_name", Op::kLike, "_eline")}) == Set{"L3"});
  CHECK(q({Filter("first_name", Op::kLike, "ćeline")}).empty());  // only ASCII folds case
  CHECK(q({Filter("first_name", Op::kLike, "celine")}).empty());  // accents are exact
  CHECK(q({Filter("email", Op::kNotLike, "%example%")}) == Set{"L2", "L3"});
  CHECK(q({Filter("email", Op::kIsSet, Value())}) == Set{"L1"});
  CHECK(q({Filter("email", Op::kIsNotSet, Value())}) == Set{"L2", "L3"});
  CHECK(q({Filter("annual_revenue", Op::kBetween, std::vector<Value>{10.5, 30.0})}) ==
        Set{"L1", "L3"});
  CHECK(b->count("CRM Lead", {Filter("converted", 0)}) == 2);
  auto rows = b->find("CRM Lead", Query().select({"name", "nothing"}).order("annual_revenue desc").take(2).skip(1));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].text("name") == "L3");
  CHECK(rows[0].get("nothing").is_null());

  // updates, nested transactions, custom fields
  b->update("CRM Lead", "L1", {{"status", "Nurture"}});
  CHECK(b->get("CRM Lead", "L1")->text("status") == "Nurture");
  CHECK_THROWS_AS(b->update("CRM Lead", "nope", {{"status", "x"}}), NotFound);
  CHECK(b->update_where("CRM Lead", {Filter("converted", 0)}, {{"source", "Web"}}) == 2);
  b->begin();
  b->insert("CRM Lead", lead("outer"));
  b->begin();
  b->insert("CRM Lead", lead("inner"));
  b->insert("HD Ticket", {{"name", "T1"}, {"custom_x", 7}});  // a table the transaction had not used
  b->rollback();
  b->commit();
  CHECK(b->get("CRM Lead", "outer"));
  CHECK_FALSE(b->get("CRM Lead", "inner"));
  CHECK_FALSE(b->get("HD Ticket", "T1"));
  b->insert("CRM Lead", lead("C1", {{"custom_x", 7}, {"custom_r", 0.5}, {"custom_t", "EU"}}));
  auto c1 = b->get("CRM Lead", "C1");
  CHECK(c1->get("custom_x") == Value(7));
  CHECK(c1->get("custom_r") == Value(0.5));
  CHECK(c1->get("custom_t") == Value("EU"));
  CHECK_FALSE(b->get("CRM Lead", "L1")->contains("custom_x"));
  CHECK_THROWS_AS(b->insert("CRM Lead", lead("L1")), StoreError);
  b->remove("CRM Lead", "C1");
  CHECK_THROWS_AS(b->remove("CRM Lead", "C1"), NotFound);
  CHECK(b->remove_where("CRM Lead", {Filter("name", Op::kIn, std::vector<Value>{"outer"})}) == 1);

  // series, locks, bulk inserts
  b->begin();
  CHECK(b->next_series("CRM-LEAD-2026-") == 1);
  CHECK(b->next_series("CRM-LEAD-2026-") == 2);
  b->lock("token");
  b->rollback();
  b->begin();
  CHECK(b->next_series("CRM-LEAD-2026-") == 1);  // a rollback gives the number back
  b->commit();
  std::vector<Document> many;
  for (int i = 0; i < 2500; ++i)
    many.push_back(lead(("B" + std::to_string(i)).c_str(), {{"email", i % 2 ? Value("x@y") : Value()}}));
  b->insert_many("CRM Lead", many);
  CHECK(b->count("CRM Lead", {Filter("name", Op::kLike, "B%")}) == 2500);
  CHECK(b->count("CRM Lead", {Filter("email", "x@y")}) == 1250);
  many.push_back(lead("L1"));
  CHECK_THROWS_AS(b->insert_many("CRM Lead", many), StoreError);
  CHECK(b->count("CRM Lead", {Filter("name", Op::kLike, "B%")}) == 2500);
}

TEST_CASE("mariadb backend: a custom field in a transaction that used its table") {
  if (!mariadb_test::server_url()) return mariadb_test::skip();
  mariadb_test::Database db;
  auto b = make_mariadb_backend(db.url());
  b->open(Schema::standard());
  b->begin();
  b->insert("CRM Lead", lead("A"));
  try {
    b->insert("CRM Lead", lead("B", {{"custom_late", "x"}}));
    FAIL("expected a retryable conflict");
  } catch (const StoreError& e) {
    CHECK(e.code() == ErrorCode::kConflict);
  }
  CHECK_THROWS_AS(b->insert("CRM Lead", lead("C")), StoreError);  // aborted until rolled back
  b->rollback();
  CHECK_FALSE(b->get("CRM Lead", "A"));
  b->begin();  // the rerun finds the column
  b->insert("CRM Lead", lead("A"));
  b->insert("CRM Lead", lead("B", {{"custom_late", "x"}}));
  b->commit();
  CHECK(b->get("CRM Lead", "B")->text("custom_late") == "x");
}

TEST_CASE("mariadb backend: a deadlock aborts the whole transaction") {
  if (!mariadb_test::server_url()) return mariadb_test::skip();
  mariadb_test::Database db;
  auto a = make_mariadb_backend(db.url());
  a->open(Schema::standard());
  auto b = make_mariadb_backend(db.url());
  b->open(Schema::standard());
  a->begin();
  a->insert("CRM Lead", lead("X"));
  a->insert("CRM Lead", lead("Y"));
  a->commit();
  // a reads X then writes Y; b reads Y then writes X (serializable reads lock).
  a->begin();
  b->begin();
  a->get("CRM Lead", "X");
  b->get("CRM Lead", "Y");
  std::exception_ptr from_b;
  std::thread other([&] {
    try {
      b->update("CRM Lead", "X", {{"status", "B"}});
      b->commit();
    } catch (...) {
      from_b = std::current_exception();
      try {
        b->rollback();
      } catch (...) {
      }
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  bool a_failed = false;
  try {
    a->update("CRM Lead", "Y", {{"status", "A"}});
    a->commit();
  } catch (const StoreError& e) {
    a_failed = true;
    CHECK((e.code() == ErrorCode::kConflict || e.code() == ErrorCode::kBusy));
    CHECK_THROWS_AS(a->get("CRM Lead", "X"), StoreError);  // fails fast until rolled back
    a->rollback();
  }
  other.join();
  CHECK((a_failed != static_cast<bool>(from_b)));  // exactly one of the two was chosen
}
