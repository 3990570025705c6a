// Customer matching and order-history sync on every backend.
#include <doctest/doctest.h>

#include <algorithm>

#include "test_support.h"

using namespace switchboard;

namespace {

struct Shop {
  std::string ticket, lead, deal;
  std::string so_a, so_b, so_d;
  std::vector<std::string> items_a;  // SO-A's item rows, by idx
};

std::vector<std::string> item_rows(Store& s, const std::string& so) {
  std::vector<std::string> out;
  for (const auto& r : s.find("Sales Order Item", Query{Filter("parent", Value(so))}.order("idx")))
    out.push_back(r.name());
  return out;
}

std::string order(Store& s, const std::string& customer, const char* date, int docstatus,
                  std::vector<Document> items, Document extra = {}) {
  Document so{{"customer", customer}, {"transaction_date", date}, {"docstatus", docstatus}};
  so.merge(extra);
  return s.insert("Sales Order", so, {{"items", std::move(items)}});
}

// John Doe (spelled twice) with three live orders and a cancelled one; namesakes around him.
Shop shop(Store& s) {
  Shop sh;
  for (const char* c : {"John Doe", "  john doe ", "John", "John Smith", "Johnny Doe", "Doe"})
    s.insert("Customer", {{"customer_name", c}});
  sh.so_a = order(
      s, "John Doe", "2026-01-10", 1,
      {Document{{"item_code", "CUSH-1"},
                {"item_name", "Seat cushion"},
                {"qty", 2},
                {"rate", 50},
                {"amount", 100}},
       Document{{"item_code", "CUSH-2"}, {"item_name", "Back cushion"}, {"qty", 1}, {"rate", 200}}},
      {{"status", "To Deliver and Bill"},
       {"delivery_status", "Partly Delivered"},
       {"delivery_date", "2026-02-01"},
       {"net_total", 300.0}});
  sh.items_a = item_rows(s, sh.so_a);
  sh.so_b = order(s, "John Doe", "2026-02-01", 1,
                  {Document{{"item_code", "PILLOW"},
                            {"item_name", "Pillow"},
                            {"qty", 4},
                            {"rate", 10},
                            {"delivery_date", "2026-03-01"}}},
                  {{"status", "To Deliver"}});
  order(s, "John Doe", "2026-03-01", 2, {Document{{"item_code", "X"}, {"qty", 1}}});  // cancelled
  sh.so_d = order(s, "john doe", "2025-12-01", 1,
                  {Document{{"item_code", "MAT"}, {"item_name", "Mat"}, {"qty", 1}, {"rate", 99}}},
                  {{"status", "Completed"}, {"delivery_status", "Fully Delivered"}});
  order(s, "John Smith", "2026-01-05", 1, {Document{{"item_code", "Y"}, {"qty", 1}}});

  auto wo = [&](const std::string& so, const std::string& item_row, const char* item_code,
                int docstatus, Document statuses) {
    Document d{{"sales_order", so}, {"production_item", item_code}, {"docstatus", docstatus}};
    if (!item_row.empty()) d.set("sales_order_item", Value(item_row));
    d.merge(statuses);
    s.insert("Work Order", d);
  };
  wo(sh.so_a, sh.items_a[0], "CUSH-1", 1,
     {{"custom_production_status", " done "},
      {"custom_ingredients_status", "Available"},
      {"custom_qa_status", "Passed"},
      {"custom_ops_status", "Scheduled"}});
  wo(sh.so_a, sh.items_a[0], "CUSH-1", 1,
     {{"custom_production_status", "WIP"}, {"custom_ingredients_status", "Available"}});
  wo(sh.so_a, sh.items_a[1], "CUSH-2", 1,
     {{"custom_production_status", "blocked_ops"}, {"custom_qa_status", "qa rework"}});
  wo(sh.so_a, sh.items_a[1], "CUSH-2", 2,
     {{"custom_production_status", "CANCELLED"}});                         // cancelled doc
  wo(sh.so_d, "", "MAT", 1, {{"custom_production_status", "Completed"}});  // linked by item code

  sh.ticket = s.insert("HD Ticket", {{"subject", "Where are my cushions?"}});
  sh.lead = s.insert("CRM Lead", {{"first_name", "John"}, {"last_name", "Doe"}});
  sh.deal = s.insert("CRM Deal", {{"organization", "Doe Household"}});
  return sh;
}

std::vector<Document> history(Store& s, const std::string& doctype, const std::string& name) {
  return s.find("Order History",
                Query{Filter("parent", Value(name)), Filter("parenttype", Value(doctype)),
                      Filter("parentfield", "custom_order_history")}
                    .order("idx"));
}

}  // namespace

TEST_CASE_TEMPLATE("orders: customers match by full name, ignoring case and stray spaces", F,
                   test_support::MemoryFactory, test_support::SqliteFactory) {
  auto s = F::make();
  for (const char* c : {"John Doe", "  john doe ", "John", "John Smith", "Johnny Doe", "Doe",
                        "Ćeline Dion", "50% Off_Shop"})
    s->insert("Customer", {{"customer_name", c}});
  auto names = [&](const char* q) { return match_customers(*s, q); };
  CHECK(names("John Doe") == std::vector<std::string>{"John Doe", "john doe"});
  CHECK(names("  JOHN DOE\t") == std::vector<std::string>{"John Doe", "john doe"});
  CHECK(names("John") == std::vector<std::string>{"John"});  // never "John Smith"
  CHECK(names("doe") == std::vector<std::string>{"Doe"});
  CHECK(names("John  Doe").empty());  // inner spacing is part of the name
  CHECK(names("Jon Doe").empty());
  CHECK(names("ćeline dion") == std::vector<std::string>{"Ćeline Dion"});
  CHECK(names("50% off_shop") == std::vector<std::string>{"50% Off_Shop"});
  CHECK(names("5_% Off%Shop").empty());  // wildcards in the query are not wildcards
  CHECK(names("").empty());
  CHECK(names("   ").empty());
}

TEST_CASE_TEMPLATE("orders: sync writes one row per item with the seed's fields", F,
                   test_support::MemoryFactory, test_support::SqliteFactory) {
  auto s = F::make();
  Shop sh = shop(*s);
  OrderHistoryResult r = sync_order_history(*s, "HD Ticket", sh.ticket, "john doe");
  CHECK(r.success);
  CHECK(r.items == 4);
  CHECK(r.orders == 3);
  CHECK(r.message == "Successfully synced 4 items from 3 orders");
  CHECK(r.customers == std::vector<std::string>{"John Doe", "john doe"});

  auto rows = history(*s, "HD Ticket", sh.ticket);
  REQUIRE(rows.size() == 4);
  // Newest order first; items in their order.
  CHECK(rows[0].text("sales_order") == sh.so_b);
  CHECK(rows[1].text("sales_order") == sh.so_a);
  CHECK(rows[2].text("sales_order") == sh.so_a);
  CHECK(rows[3].text("sales_order") == sh.so_d);
  for (std::size_t i = 0; i < rows.size(); ++i)
    CHECK(rows[i].integer("idx") == static_cast<int>(i) + 1);

  const Document& pillow = rows[0];
  CHECK(pillow.text("order_date") == "2026-02-01");
  CHECK(pillow.text("item_code") == "PILLOW");
  CHECK(pillow.get("amount").as_real() == doctest::Approx(40.0));  // qty x rate: no amount given
  CHECK(pillow.text("delivery_status") == "Not Delivered");
  CHECK(pillow.text("delivery_date") == "2026-03-01");  // the item's, the order has none
  CHECK(pillow.text("order_status") == "To Deliver");
  CHECK(pillow.get("pro_status").is_null());  // no Work Order for this item
  CHECK(pillow.text("aggregate_production_status") == "N/A");

  const Document& seat = rows[1];
  CHECK(seat.text("sales_order_item") == sh.items_a[0]);
  CHECK(seat.text("item_name") == "Seat cushion");
  CHECK(seat.get("qty").as_real() == doctest::Approx(2.0));
  CHECK(seat.get("rate").as_real() == doctest::Approx(50.0));
  CHECK(seat.get("amount").as_real() == doctest::Approx(100.0));  // the item's, not net_total
  CHECK(seat.text("delivery_status") == "Partly Delivered");
  CHECK(seat.text("delivery_date") == "2026-02-01");
  CHECK(seat.text("order_status") == "To Deliver and Bill");
  CHECK(seat.text("pro_status") == "WIP");  // DONE + WIP
  CHECK(seat.text("custom_ingredients_status") == "Available");
  CHECK(seat.text("qa_status") == "Passed");
  CHECK(seat.text("ops_status") == "Scheduled");
  CHECK(seat.text("aggregate_production_status") == "BLOCKED OPS");  // the cancelled WO is ignored

  const Document& back = rows[2];
  CHECK(back.get("amount").as_real() == doctest::Approx(200.0));
  CHECK(back.text("pro_status") == "BLOCKED OPS");
  CHECK(back.text("qa_status") == "QA REWORK");
  CHECK(back.text("ops_status") == "N/A");  // a Work Order without an ops status

  CHECK(rows[3].text("pro_status") == "DONE");  // matched by item code
  CHECK(rows[3].text("aggregate_production_status") == "DONE");
  CHECK(rows[3].text("delivery_status") == "Fully Delivered");
}

TEST_CASE_TEMPLATE("orders: a re-sync replaces rows instead of appending", F,
                   test_support::MemoryFactory, test_support::SqliteFactory) {
  auto s = F::make();
  Shop sh = shop(*s);
  for (const char* doctype : {"HD Ticket", "CRM Lead", "CRM Deal"}) {
    CAPTURE(doctype);
    std::string name = std::string(doctype) == "HD Ticket"  ? sh.ticket
                       : std::string(doctype) == "CRM Lead" ? sh.lead
                                                            : sh.deal;
    sync_order_history(*s, doctype, name, "John Doe");
    auto first = history(*s, doctype, name);
    CHECK(first.size() == 4);
    sync_order_history(*s, doctype, name, "John Doe");
    auto second = history(*s, doctype, name);
    CHECK(second.size() == 4);
    for (std::size_t i = 0; i < 4; ++i) {
      CHECK(second[i].text("sales_order_item") == first[i].text("sales_order_item"));
      CHECK(second[i].integer("idx") == first[i].integer("idx"));
    }
  }
  CHECK(s->count("Order History") == 12);
  // New facts show on the next sync: a status change, a cancelled order dropping out.
  s->update_where("Work Order", {Filter("custom_production_status", "blocked_ops")},
                  {{"custom_production_status", "DONE"}});
  s->update("Sales Order", sh.so_b, {{"docstatus", 2}});
  OrderHistoryResult r = sync_order_history(*s, "HD Ticket", sh.ticket, "John Doe");
  CHECK(r.message == "Successfully synced 3 items from 2 orders");
  auto rows = history(*s, "HD Ticket", sh.ticket);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].text("aggregate_production_status") == "WIP");
  CHECK(s->count("Order History") == 11);
}

TEST_CASE_TEMPLATE("orders: no matching customer leaves existing rows alone", F,
                   test_support::MemoryFactory, test_support::SqliteFactory) {
  auto s = F::make();
  Shop sh = shop(*s);
  sync_order_history(*s, "HD Ticket", sh.ticket, "John Doe");
  auto before = test_support::snapshot(*s);
  OrderHistoryResult r = sync_order_history(*s, "HD Ticket", sh.ticket, "Nobody Here");
  CHECK_FALSE(r.success);
  CHECK(r.message == "No customers found");
  CHECK(r.items == 0);
  CHECK(test_support::snapshot(*s) == before);
  // A customer with no live orders: the rows are replaced by none.
  s->insert("Customer", {{"customer_name", "Empty Cart"}});
  r = sync_order_history(*s, "HD Ticket", sh.ticket, "Empty Cart");
  CHECK(r.success);
  CHECK(r.message == "Successfully synced 0 items from 0 orders");
  CHECK(history(*s, "HD Ticket", sh.ticket).empty());
}

TEST_CASE_TEMPLATE("orders: bad requests are clear errors", F, test_support::MemoryFactory,
                   test_support::SqliteFactory) {
  auto s = F::make();
  Shop sh = shop(*s);
  auto before = test_support::snapshot(*s);
  CHECK_THROWS_AS(sync_order_history(*s, "Contact", "x", "John Doe"), ValidationError);
  CHECK_THROWS_AS(sync_order_history(*s, "HD Ticket", sh.ticket, "  "), ValidationError);
  CHECK_THROWS_AS(sync_order_history(*s, "HD Ticket", "9999", "John Doe"), NotFound);
  OrderHistoryOptions bad;
  bad.ops_status_field = "ops status; drop table";
  CHECK_THROWS_AS(sync_order_history(*s, "HD Ticket", sh.ticket, "John Doe", bad), ValidationError);
  CHECK(test_support::snapshot(*s) == before);
}

TEST_CASE_TEMPLATE("orders: the ops status field is configurable", F, test_support::MemoryFactory,
                   test_support::SqliteFactory) {
  auto s = F::make();
  Shop sh = shop(*s);
  s->update_where("Work Order", {Filter("sales_order", Value(sh.so_d))},
                  {{"custom_wo_ops", "Shipped"}});
  OrderHistoryOptions o;
  o.ops_status_field = "custom_wo_ops";
  sync_order_history(*s, "HD Ticket", sh.ticket, "John Doe", o);
  auto rows = history(*s, "HD Ticket", sh.ticket);
  REQUIRE(rows.size() == 4);
  CHECK(rows[3].text("ops_status") == "Shipped");
  CHECK(rows[1].text("ops_status") == "N/A");  // custom_ops_status is no longer read
}

TEST_CASE_TEMPLATE("orders: a fault at every write of a sync leaves the record unchanged", F,
                   test_support::MemoryFactory, test_support::SqliteFactory) {
  auto inner = F::make();
  Shop sh = shop(*inner);
  sync_order_history(*inner, "CRM Lead", sh.lead, "John Doe");  // rows to replace
  auto faulty = make_faulty_store(inner);
  std::int64_t total = 0;
  {
    Transaction outer(*faulty);
    sync_order_history(*faulty, "CRM Lead", sh.lead, "John Doe");
    total = faults(*faulty).writes();
    outer.rollback();
  }
  REQUIRE(total == 5);  // one removal, four rows
  auto before = test_support::snapshot(*inner);
  for (std::int64_t k = 1; k <= total; ++k) {
    CAPTURE(k);
    faults(*faulty).arm(FaultPlan{k, 0, 0});
    CHECK_THROWS_AS(sync_order_history(*faulty, "CRM Lead", sh.lead, "John Doe"), StoreError);
    CHECK(test_support::snapshot(*inner) == before);
    CHECK(inner->transaction_depth() == 0);
  }
}
