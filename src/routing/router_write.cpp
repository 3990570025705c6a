// The router's writes (one transaction per mail), its Error Log rows, and the Router facade
// that turns every failure into skip/"error" with nothing half-written.
#include <exception>
#include <string>

#include "email/email_internal.h"
#include "routing/router_internal.h"
#include "switchboard/error.h"
#include "switchboard/log.h"

namespace switchboard {
namespace routing_detail {
namespace {

constexpr const char* kCritical = "Route: Critical Error";

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

std::string insert_contact(Store& store, const Decision& d) {
  const RouteResult& r = d.result;
  Document contact{{"first_name", d.first_name},
                   {"last_name", d.last_name},
                   {"full_name", r.sender_name},
                   {"email_id", r.sender}};
  return store.insert("Contact", std::move(contact),
                      {{"email_ids", {Document{{"email_id", r.sender}, {"is_primary", 1}}}}});
}

std::string insert_record(Store& store, const RoutingRules& rules, const InboundEmail& e,
                          const Decision& d) {
  const RouteResult& r = d.result;
  if (r.doctype == "HD Ticket") {
    std::string now = store.now();
    // No description: Helpdesk's after_insert would turn it into a second Communication.
    return store.insert("HD Ticket", {{"subject", r.subject},
                                      {"raised_by", r.sender},
                                      {"status", rules.ticket_status},
                                      {"priority", rules.ticket_priority},
                                      {"via_customer_portal", 0},
                                      {"contact", r.contact},
                                      {"email_account", email_detail::trim(e.email_account)},
                                      {"opening_date", now.substr(0, 10)},
                                      {"opening_time", now.substr(11, 8)}});
  }
  return store.insert("CRM Lead", {{"first_name", d.first_name},
                                   {"last_name", d.last_name},
                                   {"lead_name", r.sender_name},
                                   {"email", r.sender},
                                   {"status", rules.lead_status}});
}

Document communication_fields(Store& store, const RoutingRules& rules, const InboundEmail& e,
                              const Decision& d) {
  const RouteResult& r = d.result;
  std::string subject = email_detail::collapse_whitespace(email_detail::valid_utf8(e.subject));
  std::string name = r.sender_name.empty() ? clean_display_name(e.sender_full_name, r.sender) : r.sender_name;
  return Document{
      {"communication_type", d.automated ? "Automated Message" : "Communication"},
      {"communication_medium", "Email"},
      {"sent_or_received", "Received"},
      {"subject", subject.empty() ? rules.empty_subject : subject},
      {"content", email_detail::valid_utf8(e.content)},
      {"text_content", email_detail::valid_utf8(e.text_content)},
      {"sender", r.sender},
      {"sender_full_name", name},
      {"recipients", join(d.to)},
      {"cc", join(d.cc)},
      {"message_id", r.message_id},
      {"in_reply_to", r.in_reply_to},
      {"reference_doctype", r.doctype},
      {"reference_name", r.name},
      {"status", "Linked"},
      {"email_account", email_detail::trim(e.email_account)},
      {"communication_date", e.date.empty() ? store.now() : e.date},
      {"has_attachment", e.has_attachment ? 1 : 0},
      {"email_status", "Open"}};
}

}  // namespace

// Error Log rows carry the category as their title (method) and again on the first line of
// `error`, where the seed's own monitoring looks for it (error like '%Route:%').
std::string log_text(const std::pair<std::string, std::string>& entry) {
  return entry.first + "\n" + entry.second;
}

void apply(Store& store, const CompiledRules& c, const InboundEmail& e, Decision& d) {
  RouteResult& r = d.result;
  if (r.action == "skip") return;
  if (d.create_record) {
    if (d.create_contact) r.contact = insert_contact(store, d);
    r.name = insert_record(store, c.rules, e, d);
  }
  if (!d.reopen_to.empty() && r.doctype == "HD Ticket" && !d.automated) {
    store.update("HD Ticket", r.name, {{"status", d.reopen_to}});
    r.reopened = true;
  }
  std::string existing = email_detail::trim(e.communication);
  if (existing.empty()) {
    r.communication = store.insert("Communication", communication_fields(store, c.rules, e, d));
    return;
  }
  r.communication = existing;
  if (store.exists("Communication", existing)) {
    Document link{{"reference_doctype", r.doctype}, {"reference_name", r.name}, {"status", "Linked"}};
    if (!r.in_reply_to.empty()) link.set("in_reply_to", r.in_reply_to);
    store.update("Communication", existing, link);
  }
}

void finish_log(Decision& d) {
  RouteResult& r = d.result;
  if (!d.final_category.empty()) {
    std::string message = d.final_message;
    auto at = message.find("{name}");
    if (at != std::string::npos) message.replace(at, 6, r.name.empty() ? "(new)" : r.name);
    r.log.emplace_back(d.final_category, std::move(message));
  }
  r.log_category = r.log.empty() ? std::string() : r.log.back().first;
}

void write_log(Store& store, const RoutingRules& rules, const RouteResult& r) {
  if (rules.error_log != "all" && rules.error_log != "outcome") return;
  std::size_t first = rules.error_log == "all" || r.log.empty() ? 0 : r.log.size() - 1;
  for (std::size_t i = first; i < r.log.size(); ++i) {
    Document row{{"method", r.log[i].first}, {"error", log_text(r.log[i])}};
    if (!r.name.empty()) {
      row.set("reference_doctype", r.doctype);
      row.set("reference_name", r.name);
    }
    store.insert("Error Log", std::move(row));
  }
}

namespace {

RouteResult error_result(Decision& d, const InboundEmail& e, const std::string& what) {
  RouteResult r = std::move(d.result);
  r.action = "skip";
  r.reason = "error";
  r.doctype.clear();
  r.name.clear();
  r.contact.clear();
  r.communication.clear();
  r.reopened = false;
  r.error = what;
  std::string communication = email_detail::trim(e.communication);
  if (communication.empty()) communication = r.message_id.empty() ? "(new)" : r.message_id;
  std::string sender = r.sender.empty() ? e.sender : r.sender;
  r.log.assign(1, {kCritical, "Communication: " + communication + "\nSender: " + utf8_prefix(sender, 200) +
                                  "\nError: " + what});
  r.log_category = kCritical;
  return r;
}

}  // namespace
}  // namespace routing_detail

using namespace routing_detail;

Router::Router(std::shared_ptr<Store> store, RoutingRules rules)
    : store_(std::move(store)), rules_(std::move(rules)) {
  if (!store_) throw ValidationError("Router needs a store", ErrorCode::kInvalidArgument);
  compiled_ = std::make_shared<const CompiledRules>(rules_);
}

RouteResult Router::plan(const InboundEmail& email) const {
  Decision d;
  try {
    decide(*store_, *compiled_, email, d);
    finish_log(d);
    return std::move(d.result);
  } catch (const std::exception& e) {
    return error_result(d, email, e.what());
  } catch (...) {
    return error_result(d, email, "unknown error");
  }
}

RouteResult Router::route(const InboundEmail& email) const {
  Decision d;
  std::string what;
  try {
    // One transaction, rerun from a fresh decision when a concurrent writer forced it back.
    RouteResult r = in_retrying_transaction(*store_, [&] {
      d = Decision{};
      decide(*store_, *compiled_, email, d);
      apply(*store_, *compiled_, email, d);
      finish_log(d);
      write_log(*store_, rules_, d.result);
      return d.result;
    });
    // The decision log: every step of a committed decision, whatever error_log says.
    if (log_enabled(LogLevel::kDebug))
      for (const auto& entry : r.log) log(LogLevel::kDebug, "routing", log_text(entry));
    return r;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown error";
  }
  // Everything of this mail was rolled back; only the critical error is recorded.
  RouteResult r = error_result(d, email, what);
  log(LogLevel::kError, "routing", log_text(r.log.front()));
  if (rules_.error_log != "none") {
    try {
      in_transaction(*store_, [&] {
        store_->insert("Error Log", {{"method", r.log.front().first}, {"error", log_text(r.log.front())}});
      });
    } catch (...) {  // never block: the result still says what happened
    }
  }
  return r;
}

}  // namespace switchboard
