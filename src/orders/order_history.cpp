// Order history rows of a ticket, lead or deal: the customer's Sales Orders, their items and
// the production status of their Work Orders, rebuilt in one transaction.
#include <fmt/format.h>

#include <map>

#include "core/text.h"
#include "model/directory.h"
#include "switchboard/orders.h"

namespace switchboard {
namespace {

constexpr const char* kHistory = "Order History";
constexpr const char* kHistoryField = "custom_order_history";

bool has_order_history(std::string_view doctype) {
  return doctype == "HD Ticket" || doctype == "CRM Lead" || doctype == "CRM Deal";
}

std::vector<Value> values_of(const std::vector<Document>& docs, const char* field) {
  std::vector<Value> out;
  out.reserve(docs.size());
  for (const auto& d : docs) out.push_back(d.get(field));
  return out;
}

// The aggregate of `field` over `work_orders`; null when there are none.
Value status_over(const std::vector<const Document*>& work_orders, const std::string& field) {
  if (work_orders.empty()) return Value();
  std::vector<std::optional<std::string>> statuses;
  for (const Document* wo : work_orders)
    statuses.push_back(wo->has(field) ? std::optional<std::string>(wo->text(field)) : std::nullopt);
  return Value(aggregate_production_status(statuses));
}

Value first_set(const Document& a, const Document& b, const char* field) {
  return a.has(field) ? a.get(field) : b.has(field) ? b.get(field) : Value();
}

}  // namespace

std::vector<std::string> match_customers(Store& store, std::string_view customer_name) {
  return model::Directory(store).customers_by_name(customer_name);
}

OrderHistoryResult sync_order_history(Store& store, std::string_view doctype, std::string_view name,
                                      std::string_view customer_name,
                                      const OrderHistoryOptions& options) {
  if (!has_order_history(doctype))
    throw ValidationError(std::string(doctype) +
                              " has no order history (HD Ticket, CRM Lead or "
                              "CRM Deal)",
                          ErrorCode::kInvalidArgument);
  if (text::trim(customer_name).empty())
    throw ValidationError("a customer name is needed to find the order history",
                          ErrorCode::kInvalidArgument);
  if (!is_valid_field_name(options.ops_status_field))
    throw ValidationError("'" + options.ops_status_field + "' is not a field name",
                          ErrorCode::kInvalidArgument);

  Transaction tx(store);
  if (!store.exists(doctype, name))
    throw NotFound(std::string(doctype) + " '" + std::string(name) + "' not found");
  OrderHistoryResult r;
  r.customers = match_customers(store, customer_name);
  if (r.customers.empty()) {
    r.message = "No customers found";
    return r;  // nothing written; the transaction rolls back empty
  }
  std::vector<Value> customers(r.customers.begin(), r.customers.end());

  auto orders = store.find(
      "Sales Order",
      Query{Filter("customer", Op::kIn, customers), Filter("docstatus", Op::kNe, 2)}
          .select({"name", "transaction_date", "delivery_status", "delivery_date", "status"})
          .order("transaction_date desc, name desc"));
  std::vector<Value> order_names = values_of(orders, "name");

  std::map<std::string, std::vector<Document>> items_of;
  std::map<std::string, std::vector<Document>> work_orders_of;
  if (!orders.empty()) {
    for (auto& item :
         store.find("Sales Order Item",
                    Query{Filter("parent", Op::kIn, order_names),
                          Filter("parenttype", "Sales Order"), Filter("parentfield", "items")}
                        .select({"name", "parent", "item_code", "item_name", "qty", "rate",
                                 "amount", "delivery_date"})
                        .order("parent, idx, name")))
      items_of[item.text("parent")].push_back(std::move(item));
    for (auto& wo : store.find(
             "Work Order",
             Query{Filter("sales_order", Op::kIn, order_names), Filter("docstatus", Op::kNe, 2)}
                 .select({"name", "sales_order", "sales_order_item", "production_item",
                          "custom_production_status", "custom_ingredients_status",
                          "custom_qa_status", options.ops_status_field})
                 .order("creation, name")))
      work_orders_of[wo.text("sales_order")].push_back(std::move(wo));
  }

  // Replace, never append: a re-sync leaves exactly one row per item.
  store.remove_where(kHistory, {Filter("parent", Value(name)), Filter("parenttype", Value(doctype)),
                                Filter("parentfield", kHistoryField)});
  std::int64_t idx = 0;
  for (const auto& so : orders) {
    const std::string so_name = so.name();
    const auto& wos = work_orders_of[so_name];
    std::vector<const Document*> all;
    for (const auto& wo : wos) all.push_back(&wo);
    Value aggregate = all.empty() ? Value("N/A") : status_over(all, "custom_production_status");
    for (const auto& item : items_of[so_name]) {
      std::vector<const Document*> mine;
      for (const auto& wo : wos) {
        bool linked = wo.has("sales_order_item")
                          ? wo.text("sales_order_item") == item.name()
                          : wo.text("production_item") == item.text("item_code");
        if (linked) mine.push_back(&wo);
      }
      double qty = item.get("qty").is_number() ? item.get("qty").as_real() : 0.0;
      double rate = item.get("rate").is_number() ? item.get("rate").as_real() : 0.0;
      double amount = item.get("amount").is_number() ? item.get("amount").as_real() : 0.0;
      Document row{{"parent", Value(name)},
                   {"parenttype", Value(doctype)},
                   {"parentfield", kHistoryField},
                   {"idx", ++idx},
                   {"sales_order", so_name},
                   {"sales_order_item", item.name()},
                   {"order_date", so.get("transaction_date")},
                   {"item_code", item.get("item_code")},
                   {"item_name", item.get("item_name")},
                   {"qty", qty},
                   {"rate", rate},
                   {"amount", amount != 0.0 ? amount : qty * rate},
                   {"delivery_status",
                    so.has("delivery_status") ? so.get("delivery_status") : Value("Not Delivered")},
                   {"delivery_date", first_set(so, item, "delivery_date")},
                   {"order_status", so.get("status")},
                   {"ops_status", status_over(mine, options.ops_status_field)},
                   {"custom_ingredients_status", status_over(mine, "custom_ingredients_status")},
                   {"pro_status", status_over(mine, "custom_production_status")},
                   {"qa_status", status_over(mine, "custom_qa_status")},
                   {"aggregate_production_status", aggregate}};
      store.insert(kHistory, std::move(row));
      ++r.items;
    }
  }
  r.orders = static_cast<std::int64_t>(orders.size());
  r.success = true;
  r.message = fmt::format("Successfully synced {} items from {} orders", r.items, r.orders);
  tx.commit();
  return r;
}

}  // namespace switchboard
