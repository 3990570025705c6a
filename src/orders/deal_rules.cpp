// The deal rule: a deal whose status is of type Won needs a Sales Order.
#include "switchboard/orders.h"

namespace switchboard {

const char* const kDealNeedsSalesOrder =
    "Please add at least one Sales Order before marking the deal as Won.";

void validate_deal(Store& store, const Document& deal, const std::vector<Document>* sales_orders) {
  std::string status = deal.text("status");
  if (status.empty()) return;
  auto def =
      store.find_one("CRM Deal Status", Query{Filter("name", Value(status))}.select({"type"}));
  if (!def || def->text("type") != "Won") return;

  std::int64_t rows = 0;
  if (sales_orders) {
    for (const auto& row : *sales_orders)
      if (row.has("sales_order")) ++rows;
  } else if (deal.has("name")) {
    rows = store.count(
        "CRM Deal Sales Orders",
        {Filter("parent", deal.get("name")), Filter("parenttype", "CRM Deal"),
         Filter("parentfield", "sales_orders"), Filter("sales_order", Op::kIsSet, Value())});
  }
  if (rows == 0) throw ValidationError(kDealNeedsSalesOrder);
}

}  // namespace switchboard
