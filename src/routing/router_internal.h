// Internals of the router shared by router.cpp (decisions) and router_write.cpp (writes).
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "switchboard/email.h"
#include "switchboard/routing.h"
#include "switchboard/store.h"

namespace switchboard::routing_detail {

enum class AliasKind { kSupport, kSales, kInfo };

/// The rules in the normalized form every lookup uses. Immutable once built.
struct CompiledRules {
  explicit CompiledRules(RoutingRules rules);
  RoutingRules rules;
  std::unordered_map<std::string, AliasKind> aliases;  // base address -> kind
  std::vector<std::string> internal_domains;           // normalized
  std::unordered_set<std::string> blocked;             // normalized addresses
  std::unordered_set<std::string> keywords;            // lowercased
  std::vector<std::string> prefixes;                   // lowercased
  std::unordered_set<std::string> generic_names;       // casefolded
  std::unordered_set<std::string> loop_allow;          // addresses and "@domain"

  bool is_alias(const EmailAddress& a) const { return aliases.count(a.base()) > 0; }
  bool is_internal(const EmailAddress& a) const;
  bool is_system_sender(const EmailAddress& a) const;
};

/// The decision plus what route() must write for it.
struct Decision {
  RouteResult result;
  bool create_contact = false;
  bool create_record = false;   // result.doctype is created (ticket or lead)
  bool automated = false;       // automated mail: never changes the record's status
  std::string reopen_to;        // status to set on the linked ticket ("" = none)
  std::string final_category;   // the outcome's log category, message finished after writes
  std::string final_message;    // with "{name}" where the record's name goes
  std::string first_name, last_name;  // of the generated name
  std::vector<std::string> to, cc;    // normalized recipients for the Communication
};

/// Fills `d` with the decision for `email` (reads only). Throws on store errors.
void decide(Store& store, const CompiledRules& rules, const InboundEmail& email, Decision& d);
/// Writes what `d` says (contact, record, status, Communication) and completes the log.
void apply(Store& store, const CompiledRules& rules, const InboundEmail& email, Decision& d);
/// Completes the outcome's log entry (the record name is known now, or "(new)").
void finish_log(Decision& d);
/// The `error` text of an Error Log row: the category, a newline, the message.
std::string log_text(const std::pair<std::string, std::string>& entry);
/// Inserts the Error Log rows that RoutingRules::error_log asks for.
void write_log(Store& store, const RoutingRules& rules, const RouteResult& r);

}  // namespace switchboard::routing_detail
