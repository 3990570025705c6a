// One Router shared by several threads: each mail's decision and writes happen inside its own
// transaction, so concurrent mails from one new customer still make exactly one ticket.
#include <doctest/doctest.h>

#include <thread>

#include "routing/routing_test_support.h"

using namespace switchboard;

TEST_CASE("threads: concurrent mails from one new sender create one ticket, on SQLite") {
  test_support::TempDir dir;
  auto store = routing_test::sqlite_store(dir.file("threads.sqlite"));
  const Router router(store);
  constexpr int kThreads = 4, kEach = 25;
  std::vector<std::thread> threads;
  std::vector<std::vector<RouteResult>> results(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string id = "t" + std::to_string(t) + "-" + std::to_string(i) + "@x.com";
        results[t].push_back(router.route(routing_test::mail(id, "same@customer.com", {routing_test::kSupport})));
      }
    });
  }
  for (auto& th : threads) th.join();
  int created = 0, linked = 0;
  for (const auto& rs : results)
    for (const auto& r : rs) {
      created += r.action == "create_ticket";
      linked += r.action == "link_ticket";
    }
  CHECK(created == 1);
  CHECK(linked == kThreads * kEach - 1);
  CHECK(store->count("HD Ticket") == 1);
  CHECK(store->count("Contact") == 1);
  CHECK(store->count("Communication") == kThreads * kEach);
}
