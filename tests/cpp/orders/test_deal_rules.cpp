// The deal rule: Won-type statuses need a Sales Order.
#include <doctest/doctest.h>

#include "test_support.h"

using namespace switchboard;

TEST_CASE_TEMPLATE("orders: a Won deal needs a Sales Order", F, test_support::MemoryFactory,
                   test_support::SqliteFactory) {
  auto s = F::make();
  // Decided by the status type, not the label: a site's own Won-type status counts too.
  s->insert("CRM Deal Status", {{"deal_status", "Closed - Paid"}, {"type", "Won"}});
  std::string deal = s->insert("CRM Deal", {{"organization", "Acme"}});

  for (const char* status : {"Won", "Closed - Paid"}) {
    CAPTURE(status);
    Document d = *s->get("CRM Deal", deal);
    d.set("status", Value(status));
    try {
      validate_deal(*s, d);
      FAIL("no ValidationError");
    } catch (const ValidationError& e) {
      CHECK(std::string(e.what()) ==
            "Please add at least one Sales Order before marking the deal as Won.");
      CHECK(e.code() == ErrorCode::kValidation);
    }
    // Rows being saved count; a blank row does not.
    std::vector<Document> rows{Document{{"sales_order", "SAL-ORD-2026-00001"}}};
    CHECK_NOTHROW(validate_deal(*s, d, &rows));
    std::vector<Document> blank{Document{{"sales_order", ""}}};
    CHECK_THROWS_AS(validate_deal(*s, d, &blank), ValidationError);
    std::vector<Document> none;
    CHECK_THROWS_AS(validate_deal(*s, d, &none), ValidationError);
  }
  // Other statuses, an empty one or an unknown one never need a Sales Order.
  for (const char* status : {"Qualification", "Negotiation", "Lost", "", "No Such Status"}) {
    CAPTURE(status);
    CHECK_NOTHROW(validate_deal(*s, Document{{"name", deal}, {"status", status}}));
  }
}

TEST_CASE_TEMPLATE("orders: several Sales Orders can be added and they persist", F,
                   test_support::MemoryFactory, test_support::SqliteFactory) {
  auto s = F::make();
  std::string deal = s->insert("CRM Deal", {{"organization", "Acme"}},
                               {{"sales_orders",
                                 {Document{{"sales_order", "SAL-ORD-2026-00001"}},
                                  Document{{"sales_order", "SAL-ORD-2026-00002"}},
                                  Document{{"sales_order", "SAL-ORD-2026-00003"}}}}});
  Document won = *s->get("CRM Deal", deal);
  won.set("status", Value("Won"));
  CHECK_NOTHROW(validate_deal(*s, won));  // the stored rows count
  s->update("CRM Deal", deal, {{"status", "Won"}});
  auto rows =
      s->find("CRM Deal Sales Orders",
              Query{Filter("parent", Value(deal)), Filter("parenttype", "CRM Deal")}.order("idx"));
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].text("sales_order") == "SAL-ORD-2026-00001");
  CHECK(rows[2].text("sales_order") == "SAL-ORD-2026-00003");
  CHECK(rows[2].integer("idx") == 3);
  CHECK(rows[0].text("parentfield") == "sales_orders");
  // Without its rows the same deal fails.
  s->remove_where("CRM Deal Sales Orders", {Filter("parent", Value(deal))});
  CHECK_THROWS_AS(validate_deal(*s, won), ValidationError);
}

TEST_CASE("orders: Sales Order rows survive reopening the SQLite file") {
  test_support::TempDir dir;
  std::string path = dir.file("deals.sqlite");
  std::string deal;
  {
    auto s = make_sqlite_store(path);
    deal = s->insert(
        "CRM Deal", {{"status", "Won"}},
        {{"sales_orders", {Document{{"sales_order", "SO-1"}}, Document{{"sales_order", "SO-2"}}}}});
  }
  auto s = make_sqlite_store(path);
  CHECK(s->count("CRM Deal Sales Orders", {Filter("parent", Value(deal))}) == 2);
  CHECK_NOTHROW(validate_deal(*s, *s->get("CRM Deal", deal)));
}
