// The rows route() writes besides the records (the Communication, the decision log and Error
// Log), and the Router facade: one transaction per mail, every failure turned into skip/"error"
// with nothing half-written.
#include <exception>
#include <mutex>
#include <vector>
#include <string>

#include "email/email_internal.h"
#include "store/batch.h"
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

// One decision-log row: the mail, the decision and one log entry. Built in field order (no
// sorting, no shifting): one row per routed mail.
Document route_log_row(const RouteResult& r, const std::pair<std::string, std::string>& entry,
                       const std::string& communication) {
  Document row;
  row.reserve(12);
  row.append_sorted("action", Value(r.action));
  row.append_sorted("category", Value(entry.first));
  row.append_sorted("communication", Value(communication));
  row.append_sorted("mail_kind", Value(r.kind));
  row.append_sorted("match", Value(r.match));
  row.append_sorted("message", Value(entry.second));
  row.append_sorted("message_id", Value(r.message_id));
  row.append_sorted("policy", Value(r.policy));
  row.append_sorted("reason", Value(r.reason));
  if (!r.name.empty()) {
    row.append_sorted("reference_doctype", Value(r.doctype));
    row.append_sorted("reference_name", Value(r.name));
  }
  row.append_sorted("sender", Value(r.sender));
  return row;
}

}  // namespace

Document communication_fields(Store& store, const RoutingRules& rules, const InboundEmail& e,
                              const RouteResult& r, const std::vector<std::string>& to,
                              const std::vector<std::string>& cc, bool automated) {
  std::string subject = email_detail::collapse_whitespace(email_detail::valid_utf8(e.subject));
  std::string name = r.sender_name.empty() ? clean_display_name(e.sender_full_name, r.sender) : r.sender_name;
  // Built in field order: one row per routed mail.
  Document row;
  row.reserve(19);
  row.append_sorted("cc", Value(join(cc)));
  row.append_sorted("communication_date",
                    Value(e.date_unix      ? store.datetime_text(*e.date_unix)
                          : e.date.empty() ? store.now()
                                           : e.date));
  row.append_sorted("communication_medium", Value("Email"));
  row.append_sorted("communication_type", Value(automated ? "Automated Message" : "Communication"));
  row.append_sorted("content", Value(email_detail::valid_utf8(e.content)));
  row.append_sorted("email_account", Value(email_detail::trim(e.email_account)));
  row.append_sorted("email_status", Value("Open"));
  row.append_sorted("has_attachment", Value(e.has_attachment ? 1 : 0));
  // Left null, not "", when the mail answers nothing: its index holds only replies.
  if (!r.in_reply_to.empty()) row.append_sorted("in_reply_to", Value(r.in_reply_to));
  row.append_sorted("message_id", Value(r.message_id));
  row.append_sorted("recipients", Value(join(to)));
  row.append_sorted("reference_doctype", Value(r.doctype));
  row.append_sorted("reference_name", Value(r.name));
  row.append_sorted("sender", Value(r.sender));
  row.append_sorted("sender_full_name", Value(std::move(name)));
  row.append_sorted("sent_or_received", Value("Received"));
  row.append_sorted("status", Value("Linked"));
  row.append_sorted("subject", Value(subject.empty() ? rules.empty_subject : std::move(subject)));
  row.append_sorted("text_content", Value(email_detail::valid_utf8(e.text_content)));
  return row;
}

// Error Log rows carry the category as their title (method) and again on the first line of
// `error`, where the original scripts' monitoring looks for it (error like '%Route:%').
std::string log_text(const std::pair<std::string, std::string>& entry) {
  return entry.first + "\n" + entry.second;
}

void write_logs(Store& store, const RoutingRules& rules, const RouteResult& r,
                const std::string& mail_communication, bool has_route_log) {
  if (r.log.empty()) return;
  // A skipped mail writes no Communication; the row it came in (a hook's) is still its own.
  const std::string& communication = r.communication.empty() ? mail_communication : r.communication;
  // The outcome is the last entry; "all" writes every entry.
  auto first = [&](const std::string& policy) {
    return policy == "all" ? std::size_t{0} : r.log.size() - 1;
  };
  // A schema without the decision log (a Frappe site attached without it) logs no decisions.
  if (rules.route_log != "none" && has_route_log)
    for (std::size_t i = first(rules.route_log); i < r.log.size(); ++i)
      store.insert(kRouteLogDoctype, route_log_row(r, r.log[i], communication));
  if (rules.error_log != "all" && rules.error_log != "outcome") return;
  for (std::size_t i = first(rules.error_log); i < r.log.size(); ++i) {
    Document row{{"method", r.log[i].first}, {"error", log_text(r.log[i])}};
    if (!r.name.empty()) {
      row.set("reference_doctype", Value(r.doctype));
      row.set("reference_name", Value(r.name));
    }
    store.insert("Error Log", std::move(row));
  }
}

namespace {

RouteResult error_result(RouteResult r, const InboundEmail& e, const std::string& what) {
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

// The rules compiled for the store's current site, recompiled when the site changes.
struct RouterState {
  std::mutex mutex;
  std::shared_ptr<const CompiledRules> compiled;  // guarded by mutex
};

}  // namespace routing_detail

using namespace routing_detail;

Router::Router(std::shared_ptr<Store> store, RoutingRules rules)
    : store_(std::move(store)), rules_(std::move(rules)), state_(std::make_shared<RouterState>()) {
  if (!store_) throw ValidationError("Router needs a store", ErrorCode::kInvalidArgument);
  state_->compiled = std::make_shared<const CompiledRules>(rules_, store_->site());
}

std::shared_ptr<const CompiledRules> Router::compiled() const {
  std::shared_ptr<const SiteConfig> site = store_->site();
  std::lock_guard<std::mutex> lock(state_->mutex);
  if (state_->compiled->store_site != site)
    state_->compiled = std::make_shared<const CompiledRules>(rules_, site);
  return state_->compiled;
}

RouteResult Router::plan(const InboundEmail& email) const {
  RouteResult r;
  try {
    route_pass(*store_, *compiled(), email, /*write=*/false, r);
    return r;
  } catch (const std::exception& e) {
    return error_result(std::move(r), email, e.what());
  } catch (...) {
    return error_result(std::move(r), email, "unknown error");
  }
}

namespace {

// The diagnostics log (category routing): every step of a committed mail, whatever error_log
// and route_log say.
void debug_log(const RouteResult& r) {
  if (log_enabled(LogLevel::kDebug))
    for (const auto& entry : r.log) log(LogLevel::kDebug, "routing", log_text(entry));
}

// Records a failed mail (everything of it already rolled back): the diagnostics log, and its
// critical error in Error Log, in a transaction (or savepoint) of its own.
void log_failure(Store& store, const RoutingRules& rules, const RouteResult& r) {
  log(LogLevel::kError, "routing", log_text(r.log.front()));
  if (rules.error_log == "none") return;
  try {
    in_transaction(store, [&] {
      store.insert("Error Log", {{"method", r.log.front().first}, {"error", log_text(r.log.front())}});
    });
  } catch (...) {  // never block: the result still says what happened
  }
}

// The facts every mail of a batch shares, read in the batch's transaction.
SiteFacts read_site_facts(Store& store, const CompiledRules& rules) {
  SiteFacts facts;
  model::Directory dir(store, rules.site);
  facts.statuses = dir.ticket_statuses();
  facts.has_route_log = store.schema().find(kRouteLogDoctype) != nullptr;
  facts.ticket_alias_field = dir.has_field(model::kTicket, model::kReplyAliasField);
  facts.lead_alias_field = dir.has_field(model::kLead, model::kReplyAliasField);
  return facts;
}

}  // namespace

RouteResult Router::route(const InboundEmail& email) const {
  RouteResult r;
  std::string what;
  try {
    std::shared_ptr<const CompiledRules> rules = compiled();
    // One transaction, rerun from a fresh pass when a concurrent writer forced it back.
    r = in_retrying_transaction(*store_, [&] {
      r = RouteResult{};
      route_pass(*store_, *rules, email, /*write=*/true, r);
      return r;
    });
    debug_log(r);
    return r;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown error";
  }
  // Everything of this mail was rolled back; only the critical error is recorded.
  r = error_result(std::move(r), email, what);
  log_failure(*store_, rules_, r);
  return r;
}

std::vector<RouteResult> Router::route_many(const std::vector<InboundEmail>& emails) const {
  std::vector<RouteResult> out(emails.size());
  if (emails.empty()) return out;
  std::string what;
  try {
    std::shared_ptr<const CompiledRules> rules = compiled();
    SiteFacts facts = read_site_facts(*store_, *rules);
    facts.threads = std::make_shared<BatchThreads>(emails, rules->rules);
    facts.senders = std::make_shared<BatchSenders>(emails, *rules);
    store_detail::each_in_savepoint(
        *store_, emails.size(),
        [&](std::size_t i) {
          out[i] = RouteResult{};
          facts.threads->next();
          facts.item = i;
          route_pass(*store_, *rules, emails[i], /*write=*/true, out[i], &facts);
        },
        [&](std::size_t i, const std::exception* e) {
          facts.threads->failed();
          // The mail's savepoint is rolled back; its critical error joins the batch.
          out[i] = error_result(std::move(out[i]), emails[i], e ? e->what() : "unknown error");
          log_failure(*store_, rules_, out[i]);
        },
        [&] {
          facts.threads->restart(*store_);
          facts.senders->restart(*store_);
        });
    for (const auto& r : out)
      if (!r.skipped() || r.reason != "error") debug_log(r);
    return out;
  } catch (const Interrupted&) {
    throw;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown error";
  }
  // The batch itself failed (its commit, or reruns exhausted): nothing of it was written.
  for (std::size_t i = 0; i < emails.size(); ++i) {
    out[i] = error_result(std::move(out[i]), emails[i], what);
    log_failure(*store_, rules_, out[i]);
  }
  return out;
}

}  // namespace switchboard
