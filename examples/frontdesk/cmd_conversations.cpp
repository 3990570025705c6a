// frontdesk transfer, orders: move conversations between CRM and Helpdesk, check the deal rule,
// and sync order history with production status.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli.h"

namespace frontdesk {

using switchboard::Document;
using switchboard::Filter;
using switchboard::Query;
using switchboard::Value;

namespace {

// Options of the transfer and orders subcommands (CLI11 binds to these).
struct Options {
  std::string doctype, name, customer, ops_field = "custom_ops_status", status;
  std::vector<std::string> communications, internal_domains, statuses;
  bool keep_source = false, no_communications = false;
  std::string region;  // "" = the site's
};

// A record the command names must exist (NotFound, exit 3, otherwise).
void require_record(Context& ctx, const std::string& doctype, const std::string& name) {
  if (!ctx.store().exists(doctype, name))
    throw switchboard::NotFound(doctype + " '" + name + "' not found");
}

int list_communications_cmd(Context& ctx, const Options& o) {
  require_record(ctx, o.doctype, o.name);
  auto comms = switchboard::list_communications(ctx.store(), o.doctype, o.name);
  if (ctx.as_json) {
    json j = json::array();
    for (const auto& c : comms) j.push_back(to_json(c));
    ctx.print_json(j);
  } else {
    ctx.say(fmt::format("{} {}: {} email(s), oldest first", o.doctype, o.name, comms.size()));
    for (const auto& c : comms)
      ctx.say(fmt::format("  {}  {}  {:<8}  {:<32}  {}", c.name(), c.text("creation").substr(0, 19),
                          c.text("sent_or_received"), one_line(c.text("sender"), 32),
                          one_line(c.text("subject"), 60)));
  }
  return kOk;
}

int transfer_cmd(Context& ctx, const Options& o, bool to_ticket) {
  switchboard::TransferOptions t;
  if (o.no_communications)
    t.communication_ids = std::vector<std::string>{};
  else if (!o.communications.empty())
    t.communication_ids = o.communications;
  t.delete_source = !o.keep_source;
  if (!o.internal_domains.empty()) t.internal_domains = o.internal_domains;
  t.region = o.region;
  auto r = to_ticket ? switchboard::transfer_lead_to_ticket(ctx.store(), o.name, t)
                     : switchboard::transfer_ticket_to_lead(ctx.store(), o.name, t);
  if (ctx.as_json) {
    json j{{"success", r.success},
           {to_ticket ? "ticket_name" : "lead_name", r.name},
           {"transferred_count", r.transferred_count},
           {"contact", r.contact.empty() ? json(nullptr) : json(r.contact)},
           {"customer_email", r.customer_email.empty() ? json(nullptr) : json(r.customer_email)},
           {"note", r.note},
           {"source_deleted", r.source_deleted},
           {"copies", json::object()}};
    for (const auto& [from, to] : r.copies) j["copies"][from] = to;
    ctx.print_json(j);
  } else {
    ctx.say(fmt::format("created {} {} with {} email(s){}", r.doctype, r.name, r.transferred_count,
                        r.contact.empty() ? "" : fmt::format(" (Contact '{}')", r.contact)));
    ctx.say("note: " + r.note);
  }
  return kOk;
}

std::vector<Document> history_rows(Context& ctx, const std::string& doctype, const std::string& name) {
  return ctx.store().find(
      "Order History", Query{Filter("parent", Value(name)), Filter("parenttype", Value(doctype)),
                             Filter("parentfield", "custom_order_history")}
                           .order("idx"));
}

void print_history(Context& ctx, const std::string& doctype, const std::string& name) {
  auto rows = history_rows(ctx, doctype, name);
  ctx.say(fmt::format("  {:<20} {:<10} {:<12} {:>5} {:>9}  {:<15} {:<15} {:<15} {}", "sales order",
                      "date", "item", "qty", "amount", "delivery", "item production",
                      "order production", "order status"));
  for (const auto& r : rows)
    ctx.say(fmt::format(
        "  {:<20} {:<10} {:<12} {:>5} {:>9.2f}  {:<15} {:<15} {:<15} {}", r.text("sales_order"),
        r.text("order_date"), one_line(r.text("item_code"), 12), r.get("qty").to_text(),
        r.get("amount").is_number() ? r.get("amount").as_real() : 0.0,
        one_line(r.text("delivery_status"), 15), r.has("pro_status") ? r.text("pro_status") : "-",
        r.text("aggregate_production_status"), r.text("order_status")));
}

json history_json(Context& ctx, const std::string& doctype, const std::string& name) {
  json rows = json::array();
  for (const auto& r : history_rows(ctx, doctype, name)) rows.push_back(to_json(r));
  return rows;
}

int orders_sync_cmd(Context& ctx, const Options& o) {
  switchboard::OrderHistoryOptions opts;
  opts.ops_status_field = o.ops_field;
  auto r = switchboard::sync_order_history(ctx.store(), o.doctype, o.name, o.customer, opts);
  if (ctx.as_json) {
    json j{{"success", r.success}, {"message", r.message}, {"items", r.items},
           {"orders", r.orders},   {"customers", r.customers}};
    if (r.success) j["rows"] = history_json(ctx, o.doctype, o.name);
    ctx.print_json(j);
  } else {
    ctx.say(r.message);
    if (r.success) print_history(ctx, o.doctype, o.name);
  }
  if (!r.success) std::cerr << "frontdesk orders sync: " << r.message << "\n";
  return r.success ? kOk : kDataError;
}

int orders_show_cmd(Context& ctx, const Options& o) {
  require_record(ctx, o.doctype, o.name);
  if (ctx.as_json) {
    ctx.print_json({{"doctype", o.doctype}, {"name", o.name},
                    {"rows", history_json(ctx, o.doctype, o.name)}});
    return kOk;
  }
  std::int64_t n = ctx.store().count(
      "Order History", {Filter("parent", Value(o.name)), Filter("parenttype", Value(o.doctype))});
  ctx.say(fmt::format("{} {}: {} order-history row(s)", o.doctype, o.name, n));
  if (n > 0) print_history(ctx, o.doctype, o.name);
  return kOk;
}

int orders_status_cmd(Context& ctx, const Options& o) {
  std::vector<std::optional<std::string>> statuses;
  for (const auto& s : o.statuses)
    statuses.push_back(s == "-" ? std::nullopt : std::optional<std::string>(s));
  std::string status = switchboard::aggregate_production_status(statuses);
  if (ctx.as_json) ctx.print_json({{"status", status}});
  else if (!ctx.quiet) std::cout << status << "\n";
  return kOk;
}

// The deal rule's answer: exit 0 when the status is allowed, 1 when it is refused.
int orders_check_deal_cmd(Context& ctx, const Options& o) {
  auto deal = ctx.store().get("CRM Deal", o.name);
  if (!deal) throw switchboard::NotFound("CRM Deal '" + o.name + "' not found");
  if (!o.status.empty()) deal->set("status", Value(o.status));
  std::string refused;
  try {
    switchboard::validate_deal(ctx.store(), *deal);
  } catch (const switchboard::ValidationError& e) {
    refused = e.what();
  }
  if (ctx.as_json)
    ctx.print_json({{"deal", o.name}, {"status", deal->text("status")}, {"allowed", refused.empty()},
                    {"reason", refused.empty() ? json(nullptr) : json(refused)}});
  else if (refused.empty())
    ctx.say(fmt::format("CRM Deal {} may have status '{}'", o.name, deal->text("status")));
  if (!refused.empty()) std::cerr << "frontdesk: " << refused << "\n";
  return refused.empty() ? kOk : kFailed;
}

void add_transfer_options(CLI::App* cmd, Context& ctx, Options& o, const char* what) {
  cmd->add_option("name", o.name, what)->required();
  cmd->add_option("-c,--communication", o.communications,
                  "A Communication to transfer (repeatable; default: every email)");
  cmd->add_flag("--no-communications", o.no_communications, "Transfer the record without emails");
  cmd->add_flag("--keep-source", o.keep_source, "Keep the source record (default: delete it)");
  cmd->add_option("--internal-domain", o.internal_domains,
                  "A staff mail domain (repeatable; default: the site's)");
  cmd->add_option("--region", o.region,
                  "Region for phone numbers without a country code (default: the site's)");
  add_json_flag(cmd, ctx);
}

}  // namespace

void add_conversation_commands(CLI::App& app, Context& ctx, Runner& run) {
  static Options o;
  auto* transfer = app.add_subcommand("transfer", "Move conversations between leads and tickets");
  transfer->require_subcommand(1);
  set_help(transfer, "Each transfer is one transaction: all of it happens, or none.", {"frontdesk transfer list 'CRM Lead' CRM-LEAD-2026-00001",
                          "frontdesk transfer lead-to-ticket CRM-LEAD-2026-00001 --keep-source",
                          "frontdesk transfer ticket-to-lead 0001 --json"});
  auto* list = transfer->add_subcommand("list", "List the emails of a record, oldest first (read-only)");
  list->add_option("doctype", o.doctype, "CRM Lead, HD Ticket, CRM Deal, ...")->required();
  list->add_option("name", o.name, "The record's name")->required();
  add_json_flag(list, ctx);
  set_examples(list, {"frontdesk transfer list 'CRM Lead' CRM-LEAD-2026-00001",
                      "frontdesk transfer list 'HD Ticket' 0001 --json"});
  on_run(list, ctx, run, Access::kRead, [&ctx] { return list_communications_cmd(ctx, o); });

  auto* to_ticket = transfer->add_subcommand("lead-to-ticket",
                                             "Move a CRM Lead's emails to a new HD Ticket");
  add_transfer_options(to_ticket, ctx, o, "The CRM Lead");
  set_examples(to_ticket, {"frontdesk transfer lead-to-ticket CRM-LEAD-2026-00001",
                           "frontdesk transfer lead-to-ticket CRM-LEAD-2026-00001 -c 8f3k2l9a1b --keep-source"});
  on_run(to_ticket, ctx, run, Access::kWrite, [&ctx] { return transfer_cmd(ctx, o, true); });
  auto* to_lead = transfer->add_subcommand("ticket-to-lead",
                                           "Move an HD Ticket's emails to a new CRM Lead");
  add_transfer_options(to_lead, ctx, o, "The HD Ticket");
  set_examples(to_lead, {"frontdesk transfer ticket-to-lead 0001",
                         "frontdesk transfer ticket-to-lead 0001 --no-communications --json"});
  on_run(to_lead, ctx, run, Access::kWrite, [&ctx] { return transfer_cmd(ctx, o, false); });

  auto* orders = app.add_subcommand("orders", "Order history, production status, the deal rule");
  orders->require_subcommand(1);
  set_examples(orders, {"frontdesk orders sync 'HD Ticket' 0001 'Maria Garcia'",
                        "frontdesk orders show 'HD Ticket' 0001 --json",
                        "frontdesk orders status done - blocked_ops",
                        "frontdesk orders check-deal CRM-DEAL-2026-00001 --status Won"});
  auto* sync = orders->add_subcommand("sync",
                                      "Rebuild a record's order history from the "
                                      "customer's Sales Orders (exit 3: no such customer)");
  sync->add_option("doctype", o.doctype, "HD Ticket, CRM Lead or CRM Deal")->required();
  sync->add_option("name", o.name, "The record's name")->required();
  sync->add_option("customer", o.customer, "The customer's name as on the Customer")->required();
  sync->add_option("--ops-field", o.ops_field, "Work Order field holding the ops status");
  add_json_flag(sync, ctx);
  set_examples(sync, {"frontdesk orders sync 'HD Ticket' 0001 'Maria Garcia'",
                      "frontdesk orders sync 'CRM Deal' CRM-DEAL-2026-00001 'Garcia Patio' --json"});
  on_run(sync, ctx, run, Access::kWrite, [&ctx] { return orders_sync_cmd(ctx, o); });

  auto* show = orders->add_subcommand("show", "Print a record's order history (read-only)");
  show->add_option("doctype", o.doctype, "HD Ticket, CRM Lead or CRM Deal")->required();
  show->add_option("name", o.name, "The record's name")->required();
  add_json_flag(show, ctx);
  set_examples(show, {"frontdesk orders show 'HD Ticket' 0001",
                      "frontdesk orders show 'CRM Lead' CRM-LEAD-2026-00001 --json"});
  on_run(show, ctx, run, Access::kRead, [&ctx] { return orders_show_cmd(ctx, o); });

  auto* status = orders->add_subcommand(
      "status", "Aggregate production statuses ('-' = none); needs no database");
  status->add_option("statuses", o.statuses, "One status per Work Order");
  add_json_flag(status, ctx);
  set_examples(status, {"frontdesk orders status done - blocked_ops",
                        "frontdesk orders status DONE DONE --json"});
  on_run(status, ctx, run, Access::kNone, [&ctx] { return orders_status_cmd(ctx, o); });

  auto* check = orders->add_subcommand(
      "check-deal", "Apply the Won-deal rule to a stored deal (read-only; exit 1 when refused)");
  check->add_option("name", o.name, "The CRM Deal")->required();
  check->add_option("--status", o.status, "Check as if the deal had this status");
  add_json_flag(check, ctx);
  set_examples(check, {"frontdesk orders check-deal CRM-DEAL-2026-00001",
                       "frontdesk orders check-deal CRM-DEAL-2026-00001 --status Won --json"});
  on_run(check, ctx, run, Access::kRead, [&ctx] { return orders_check_deal_cmd(ctx, o); });
}

void demo_conversations(Context& ctx) {
  auto& store = ctx.store();
  ctx.say("== conversations: a sales lead that is really a support case");
  std::string lead = store.insert("CRM Lead", {{"first_name", "Maria"},
                                               {"last_name", "Garcia"},
                                               {"email", "maria.garcia@example.net"},
                                               {"mobile_no", "+1 (555) 010-2030"}});
  std::string previous;
  const char* subjects[] = {"Cushions arrived torn", "Re: Cushions arrived torn",
                            "Re: Cushions arrived torn - photos"};
  for (int i = 0; i < 3; ++i) {
    bool received = i != 1;
    Document c{{"subject", subjects[i]},
               {"content", fmt::format("<p>message {}</p>", i + 1)},
               {"sender", received ? "Maria Garcia <maria.garcia@example.net>"
                                   : "Sales <sales@zipcushions.com>"},
               {"recipients", received ? "sales@zipcushions.com" : "maria.garcia@example.net"},
               {"sent_or_received", received ? "Received" : "Sent"},
               {"message_id", fmt::format("demo-{}@mail.example.net", i + 1)},
               {"reference_doctype", "CRM Lead"},
               {"reference_name", lead},
               {"email_account", "Sales"}};
    if (!previous.empty()) c.set("in_reply_to", Value(previous));
    previous = store.insert("Communication", c);
    if (i == 2)
      store.insert("File", {{"file_name", "torn.jpg"},
                            {"file_url", "/private/files/torn.jpg"},
                            {"attached_to_doctype", "Communication"},
                            {"attached_to_name", previous}});
  }
  ctx.say(fmt::format("CRM Lead {} has {} emails", lead,
                      switchboard::list_communications(store, "CRM Lead", lead).size()));
  auto moved = switchboard::transfer_lead_to_ticket(store, lead);
  ctx.say(
      fmt::format("transfer_lead_to_ticket -> HD Ticket {} (subject of the latest email), "
                  "{} emails copied with their attachment, Contact '{}', lead deleted",
                  moved.name, moved.transferred_count, moved.contact));
  ctx.say("note on the ticket: " + moved.note);

  ctx.say("");
  ctx.say("== the deal rule: Won needs a Sales Order");
  std::string deal = store.insert("CRM Deal", {{"organization", "Garcia Patio"}});
  Document won = *store.get("CRM Deal", deal);
  won.set("status", Value("Won"));
  try {
    switchboard::validate_deal(store, won);
  } catch (const switchboard::ValidationError& e) {
    ctx.say(fmt::format("CRM Deal {} -> Won refused: {}", deal, e.what()));
  }

  ctx.say("");
  ctx.say("== order history with production status");
  switchboard::Transaction tx(store);
  store.insert("Customer", {{"customer_name", "Maria Garcia"}});
  std::string so = store.insert(
      "Sales Order",
      {{"customer", "Maria Garcia"},
       {"transaction_date", "2026-01-15"},
       {"docstatus", 1},
       {"status", "To Deliver and Bill"},
       {"delivery_date", "2026-02-10"}},
      {{"items",
        {Document{
             {"item_code", "CUSH-SEAT"}, {"item_name", "Seat cushion"}, {"qty", 4}, {"rate", 45}},
         Document{{"item_code", "CUSH-BACK"},
                  {"item_name", "Back cushion"},
                  {"qty", 4},
                  {"rate", 55}}}}});
  auto items = store.find("Sales Order Item", Query{Filter("parent", Value(so))}.order("idx"));
  store.insert("Work Order", {{"sales_order", so},
                              {"sales_order_item", items[0].name()},
                              {"production_item", "CUSH-SEAT"},
                              {"docstatus", 1},
                              {"status", "Completed"},
                              {"custom_production_status", "DONE"},
                              {"custom_qa_status", "PASSED"}});
  store.insert("Work Order", {{"sales_order", so},
                              {"sales_order_item", items[1].name()},
                              {"production_item", "CUSH-BACK"},
                              {"docstatus", 1},
                              {"status", "In Process"},
                              {"custom_production_status", "blocked_factory"},
                              {"custom_ingredients_status", "Waiting for fabric"}});
  store.update("CRM Deal", deal, {{"status", "Won"}});
  store.insert("CRM Deal Sales Orders", {{"parent", deal},
                                         {"parenttype", "CRM Deal"},
                                         {"parentfield", "sales_orders"},
                                         {"sales_order", so}});
  tx.commit();
  switchboard::validate_deal(store, *store.get("CRM Deal", deal));
  ctx.say(fmt::format("CRM Deal {} is Won with Sales Order {}", deal, so));
  auto r = switchboard::sync_order_history(store, "HD Ticket", moved.name, " maria GARCIA ");
  ctx.say(
      fmt::format("sync_order_history(HD Ticket {}, ' maria GARCIA '): {}", moved.name, r.message));
  print_history(ctx, "HD Ticket", moved.name);
  r = switchboard::sync_order_history(store, "HD Ticket", moved.name, "Maria Garcia");
  ctx.say(fmt::format("synced again: still {} rows (replaced, not appended)",
                      store.count("Order History", {Filter("parent", Value(moved.name)),
                                                    Filter("parenttype", "HD Ticket")})));
  ctx.say("");
}

}  // namespace frontdesk
