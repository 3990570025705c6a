// store_detail::each_in_savepoint: a batch first runs all or nothing, without savepoints, and
// falls back to a savepoint per item only when something in the pass failed.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "store/batch.h"
#include "switchboard/switchboard.h"
#include "test_support.h"

using namespace switchboard;

namespace {

// One contact with its email row per item; item 1's email row fails every time it is written.
struct ContactBatch {
  std::shared_ptr<Store> inner = make_memory_store();
  std::shared_ptr<Store> store = std::make_shared<Store>(
      std::make_shared<test_support::Poisoned>(inner, "Contact Email", "poisoned@x.com"), inner->schema_ptr());
  std::vector<std::string> emails{"a@x.com", "poisoned@x.com", "c@x.com"};
  std::vector<std::string> failed;
  int passes = 0;

  void insert_contact(std::size_t i) {
    store->insert("Contact", {{"first_name", "C" + std::to_string(i)}, {"email_id", emails[i]}},
                  {{"email_ids", {Document{{"email_id", emails[i]}, {"is_primary", 1}}}}});
  }
  void run(const std::function<void(std::size_t)>& item) {
    store_detail::each_in_savepoint(
        *store, emails.size(), item, [&](std::size_t i, const std::exception*) { failed.push_back(emails[i]); },
        [&] { ++passes; });
  }
};

}  // namespace

TEST_CASE("each_in_savepoint: a clean batch is one pass without savepoints") {
  ContactBatch b;
  b.emails[1] = "b@x.com";
  b.run([&](std::size_t i) { b.insert_contact(i); });
  CHECK(b.passes == 1);
  CHECK(b.failed.empty());
  CHECK(b.inner->count("Contact") == 3);
  CHECK(b.inner->count("Contact Email") == 3);
}

TEST_CASE("each_in_savepoint: a failing item reruns the batch with a savepoint each") {
  ContactBatch b;
  b.run([&](std::size_t i) { b.insert_contact(i); });
  CHECK(b.passes == 2);
  CHECK(b.failed == std::vector<std::string>{"poisoned@x.com"});
  CHECK(b.inner->count("Contact") == 2);  // the failed contact left no row
  CHECK(b.inner->count("Contact Email") == 2);
  CHECK(b.inner->count("Contact", {Filter("email_id", "poisoned@x.com")}) == 0);
}

TEST_CASE("each_in_savepoint: a write of several rows that failed inside an item is undone") {
  // The item catches the error itself: without a savepoint around the contact and its email
  // row, the contact would stay written; the pass is broken, so the batch runs again with
  // savepoints and the contact rolls back with its own savepoint.
  ContactBatch b;
  b.run([&](std::size_t i) {
    try {
      b.insert_contact(i);
    } catch (const StoreError&) {
    }
  });
  CHECK(b.passes == 2);
  CHECK(b.failed.empty());
  CHECK(b.inner->count("Contact") == 2);
  CHECK(b.inner->count("Contact", {Filter("email_id", "poisoned@x.com")}) == 0);
  CHECK(b.store->transaction_depth() == 0);
  // The store is back to its usual nesting: a failed write of several rows inside a caller's
  // transaction is rolled back by its own savepoint again.
  Transaction tx(*b.store);
  CHECK_THROWS_AS(b.insert_contact(1), StoreError);
  tx.commit();
  CHECK(b.inner->count("Contact", {Filter("email_id", "poisoned@x.com")}) == 0);
}
