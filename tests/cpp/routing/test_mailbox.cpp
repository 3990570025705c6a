// The sample mailbox (tests/data/routing) routed in order into a real SQLite file.
#include <doctest/doctest.h>

#include "routing/routing_test_support.h"

using namespace switchboard;

namespace {

struct Expected {
  std::string file, action, doctype, reason;
};

std::vector<Expected> expected() {
  std::vector<Expected> out;
  std::istringstream in(routing_test::read_file(routing_test::data_dir() / "expected.tsv"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::size_t start = 0;
    for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
      cols.push_back(line.substr(start, tab - start));
    cols.push_back(line.substr(start));
    REQUIRE(cols.size() == 4);
    out.push_back({cols[0], cols[1], cols[2], cols[3]});
  }
  return out;
}

}  // namespace

TEST_CASE("mailbox: every sample mail lands where expected.tsv says, on SQLite") {
  test_support::TempDir dir;
  auto store = routing_test::sqlite_store(dir.file("mailbox.sqlite"));
  Router router(store);
  auto files = routing_test::mailbox_files();
  auto table = expected();
  REQUIRE(files.size() == table.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    CAPTURE(table[i].file);
    REQUIRE(files[i].filename().string() == table[i].file);
    RouteResult r = router.route(InboundEmail::from_rfc822(routing_test::read_file(files[i]), "Inbox"));
    CHECK(r.action == table[i].action);
    CHECK(r.doctype == table[i].doctype);
    CHECK(r.reason == table[i].reason);
    CHECK(!r.log_category.empty() == (r.reason != "internal"));
  }
  // The whole Maria thread is one ticket; her forward to sales became a lead.
  auto maria = store->find("Communication", Query{Filter("sender", "maria.garcia@gmail.com")});
  CHECK(maria.size() == 4);
  CHECK(store->count("HD Ticket", {Filter("raised_by", "maria.garcia@gmail.com")}) == 1);
  CHECK(store->count("CRM Lead", {Filter("email", "maria.garcia@gmail.com")}) == 1);
  CHECK(store->count("Contact") == store->count("HD Ticket"));  // one contact per new customer
  // Routing the mailbox again changes nothing but the log: every mail is a duplicate or skip.
  auto before = test_support::snapshot(*store);
  for (const auto& f : files) {
    RouteResult r = router.route(InboundEmail::from_rfc822(routing_test::read_file(f), "Inbox"));
    CHECK(r.action == "skip");
  }
  auto after = test_support::snapshot(*store);
  for (auto* snap : {&before, &after}) {
    snap->erase("Error Log");
    snap->erase(kRouteLogDoctype);
  }
  CHECK(after == before);
}
