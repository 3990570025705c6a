// RoutingRules: validation and JSON (core/json.h). One table of fields drives from_json and
// to_json, so the two can never disagree.
#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "switchboard/error.h"
#include "switchboard/routing.h"

namespace switchboard {
namespace {

using Strings = std::vector<std::string>;

[[noreturn]] void bad_type(std::string_view key, const char* expected) {
  throw ParseError("routing rule '" + std::string(key) + "' must be " + expected);
}

void read(const json::Json& v, std::string_view key, std::string& out) {
  if (!v.is_string()) bad_type(key, "a string");
  out = v.get<std::string>();
}

void read(const json::Json& v, std::string_view key, Strings& out) {
  if (!v.is_array()) bad_type(key, "a list of strings");
  out.clear();
  for (const auto& item : v) {
    if (!item.is_string()) bad_type(key, "a list of strings");
    out.push_back(item.get<std::string>());
  }
}

// An override: null = the site's value.
void read(const json::Json& v, std::string_view key, std::optional<Strings>& out) {
  if (v.is_null()) {
    out.reset();
    return;
  }
  read(v, key, out.emplace());
}

template <typename T>
nlohmann::ordered_json to_value(const T& v) {
  return v;
}
nlohmann::ordered_json to_value(const std::optional<Strings>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

template <typename Int>
void read(const json::Json& v, std::string_view key, Int& out) {
  if (!v.is_number_integer()) bad_type(key, "an integer");
  if ((!v.is_number_unsigned() && v.get<std::int64_t>() < 0) || v.get<std::uint64_t>() > 1000000000ULL)
    bad_type(key, "a non-negative integer of at most 1000000000");
  out = static_cast<Int>(v.get<std::int64_t>());
}

// Calls fn(key, field&) for every field of the rules, in declaration order.
template <typename Rules, typename Fn>
void for_each_field(Rules& r, Fn&& fn) {
  fn("support_aliases", r.support_aliases);
  fn("sales_aliases", r.sales_aliases);
  fn("info_aliases", r.info_aliases);
  fn("internal_domains", r.internal_domains);
  fn("blocked_senders", r.blocked_senders);
  fn("system_keywords", r.system_keywords);
  fn("system_prefixes", r.system_prefixes);
  fn("role_mailboxes", r.role_mailboxes);
  fn("generic_names", r.generic_names);
  fn("open_statuses", r.open_statuses);
  fn("reply_window_days", r.reply_window_days);
  fn("subject_max_length", r.subject_max_length);
  fn("empty_subject", r.empty_subject);
  fn("plus_delimiter", r.plus_delimiter);
  fn("max_references", r.max_references);
  fn("support_alias_existing_ticket", r.support_alias_existing_ticket);
  fn("sender_recency_link", r.sender_recency_link);
  fn("sales_alias_open_ticket", r.sales_alias_open_ticket);
  fn("mixed_aliases", r.mixed_aliases);
  fn("closed_ticket", r.closed_ticket);
  fn("resolved_ticket", r.resolved_ticket);
  fn("closed_ticket_days", r.closed_ticket_days);
  fn("automated_mail", r.automated_mail);
  fn("reply_to", r.reply_to);
  fn("loop_threshold", r.loop_threshold);
  fn("loop_window_minutes", r.loop_window_minutes);
  fn("loop_allow", r.loop_allow);
  fn("ticket_status", r.ticket_status);
  fn("ticket_priority", r.ticket_priority);
  fn("lead_status", r.lead_status);
  fn("reopen_status", r.reopen_status);
  fn("error_log", r.error_log);
  fn("route_log", r.route_log);
}

void check_choice(std::string_view key, const std::string& value,
                  std::initializer_list<const char*> choices) {
  for (const char* c : choices)
    if (value == c) return;
  std::string list;
  for (const char* c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
  throw ValidationError("routing rule '" + std::string(key) + "' is '" + value +
                        "'; expected one of: " + list);
}

}  // namespace

void RoutingRules::validate() const {
  check_choice("support_alias_existing_ticket", support_alias_existing_ticket,
               {"link_latest_open", "link_if_same_subject", "always_new"});
  check_choice("sender_recency_link", sender_recency_link, {"any_open", "same_subject", "off"});
  check_choice("sales_alias_open_ticket", sales_alias_open_ticket,
               {"link_if_about_ticket", "sender_recency"});
  check_choice("mixed_aliases", mixed_aliases, {"to_before_cc", "support_wins"});
  for (const auto& [key, value] : {std::pair<const char*, const std::string&>{"closed_ticket", closed_ticket},
                                   {"resolved_ticket", resolved_ticket}})
    check_choice(key, value, {"follow_up", "reopen", "reopen_within_days", "new_ticket",
                              "new_ticket_after_days"});
  check_choice("automated_mail", automated_mail, {"attach_no_reopen", "drop"});
  check_choice("reply_to", reply_to, {"web_forms", "use_from", "use_reply_to", "reply_to_keep_from_name"});
  check_choice("error_log", error_log, {"all", "outcome", "errors", "none"});
  check_choice("route_log", route_log, {"all", "outcome", "none"});
  auto non_negative = [](const char* key, long long v) {
    if (v < 0) throw ValidationError(std::string("routing rule '") + key + "' must not be negative");
  };
  non_negative("reply_window_days", reply_window_days);
  non_negative("closed_ticket_days", closed_ticket_days);
  non_negative("max_references", max_references);
  non_negative("loop_threshold", loop_threshold);
  non_negative("loop_window_minutes", loop_window_minutes);
  if (subject_max_length < 4) throw ValidationError("routing rule 'subject_max_length' must be at least 4");
  if (ticket_status.empty() || ticket_priority.empty() || lead_status.empty())
    throw ValidationError("routing rules 'ticket_status', 'ticket_priority' and 'lead_status' must be set");
}

RoutingRules RoutingRules::from_json(std::string_view text) {
  const json::Json j = json::parse_object(text, "routing rules");
  RoutingRules rules;
  for (const auto& entry : j.items()) {
    const std::string& name = entry.key();  // named, not bound: lambdas may not capture bindings
    const auto& value = entry.value();
    bool known = false;
    for_each_field(rules, [&](std::string_view key, auto& member) {
      if (key != name) return;
      known = true;
      read(value, key, member);
    });
    if (!known) throw ParseError("unknown routing rule '" + name + "'");
  }
  try {
    rules.validate();
  } catch (const ValidationError& e) {  // bad input text: a parse error like any other
    throw ParseError(e.what());
  }
  return rules;
}

std::string RoutingRules::to_json() const {
  nlohmann::ordered_json j;
  for_each_field(*this, [&](std::string_view key, const auto& member) { j[std::string(key)] = to_value(member); });
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string RouteResult::to_json() const {
  nlohmann::ordered_json j;
  j["action"] = action;
  j["reason"] = reason;
  j["doctype"] = doctype;
  j["name"] = name;
  j["contact"] = contact;
  j["log_category"] = log_category;
  j["match"] = match;
  j["policy"] = policy;
  j["kind"] = kind;
  j["sender"] = sender;
  j["sender_name"] = sender_name;
  j["subject"] = subject;
  j["message_id"] = message_id;
  j["alias"] = alias;
  j["alias_tag"] = alias_tag;
  j["merged_from"] = merged_from;
  j["follow_up_of"] = follow_up_of;
  j["reply_alias"] = reply_alias;
  j["communication"] = communication;
  j["in_reply_to"] = in_reply_to;
  j["reopened"] = reopened;
  j["bounce_recipient"] = bounce_recipient;
  j["bounce_status"] = bounce_status;
  j["error"] = error;
  auto log_entries = nlohmann::ordered_json::array();
  for (const auto& [category, message] : log) log_entries.push_back({category, message});
  j["log"] = log_entries;
  return json::dump(j);
}

}  // namespace switchboard
