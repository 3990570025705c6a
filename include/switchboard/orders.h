// switchboard: deal rules, production status and order history (issue: conversations and orders).
// Thread-safe: free functions over a thread-safe Store; sync_order_history is one transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/document.h"
#include "switchboard/export.h"
#include "switchboard/store.h"

namespace switchboard {

/// The original scripts' message when a Won deal has no Sales Order.
SWITCHBOARD_EXPORT extern const char* const kDealNeedsSalesOrder;

/// The deal rule: when `deal`'s status is a CRM Deal Status whose `type` is "Won", the deal
/// needs at least one CRM Deal Sales Orders row naming a Sales Order, else ValidationError
/// with kDealNeedsSalesOrder. `sales_orders` are the rows being saved (a validate hook passes
/// them); when null, the rows stored for `deal["name"]` are counted. Reads only.
SWITCHBOARD_EXPORT void validate_deal(Store& store, const Document& deal,
                                      const std::vector<Document>* sales_orders = nullptr);

/// One production status over several Work Orders: "N/A" when no status is known; else the
/// highest blocker (CANCELLED > BLOCKED FACTORY > BLOCKED OPS > QA REWORK, spelled with a
/// space); else "DONE" when all are DONE/COMPLETED, "NEW" when any is NEW, "WIP" when any is
/// WIP/IN PROGRESS; else the first value not DONE/COMPLETED, as written (trimmed). Matching
/// ignores case, surrounding whitespace and "_" vs " "; null and blank values are unknown.
SWITCHBOARD_EXPORT std::string aggregate_production_status(
    const std::vector<std::optional<std::string>>& statuses);

/// The names of the Customers whose customer_name equals `customer_name` ignoring case and
/// surrounding whitespace; a one-word name only matches customers whose name is one word.
/// Sorted by name. Reads only; "" matches nothing.
SWITCHBOARD_EXPORT std::vector<std::string> match_customers(Store& store,
                                                            std::string_view customer_name);

/// Where Work Order statuses are read from.
struct SWITCHBOARD_EXPORT OrderHistoryOptions {
  /// The Work Order field holding the ops status (the original scripts do not name it).
  std::string ops_status_field = "custom_ops_status";
};

/// The outcome of sync_order_history (Python gets a dict with the original scripts' keys).
struct SWITCHBOARD_EXPORT OrderHistoryResult {
  bool success = false;
  std::string message;  ///< the original scripts': "Successfully synced N items from M orders"
  std::int64_t items = 0;
  std::int64_t orders = 0;
  std::vector<std::string> customers;  ///< matched Customer names
};

/// Rebuilds the order history of an HD Ticket, CRM Lead or CRM Deal from the Sales Orders
/// (docstatus != 2, newest first) of the customers matching `customer_name`: one
/// "Order History" row (parentfield "custom_order_history") per Sales Order Item, with
/// per-item Work Order statuses and the order's aggregate production status. Replaces the
/// record's previous rows in one transaction; when no customer matches, nothing is written
/// and success is false. Throws ValidationError for another doctype or an empty name,
/// NotFound for an unknown record.
SWITCHBOARD_EXPORT OrderHistoryResult sync_order_history(Store& store, std::string_view doctype,
                                                         std::string_view name,
                                                         std::string_view customer_name,
                                                         const OrderHistoryOptions& options = {});

}  // namespace switchboard
