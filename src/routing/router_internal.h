// Internals of the router: the rules compiled for one site (router.cpp), the single pass that
// reads the facts of one mail, decides and — for route() — writes (router.cpp), and the rows it
// writes (router_write.cpp).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "email/domains.h"
#include "model/directory.h"
#include "switchboard/email.h"
#include "switchboard/routing.h"
#include "switchboard/site.h"
#include "switchboard/store.h"

namespace switchboard::routing_detail {

enum class AliasKind { kSupport, kSales, kInfo };

/// The rules and one site's facts in the form every lookup uses. Immutable once built.
struct CompiledRules {
  /// Throws ValidationError for invalid rules.
  CompiledRules(const RoutingRules& rules, std::shared_ptr<const SiteConfig> store_site);
  RoutingRules rules;
  std::shared_ptr<const SiteConfig> store_site;  // the store's site these were compiled for
  std::shared_ptr<const SiteConfig> site;        // it, with the rules' overrides applied
  std::unordered_map<std::string, AliasKind> aliases;  // base address -> kind
  email_detail::DomainSet internal;
  std::unordered_set<std::string> blocked;        // normalized addresses
  std::unordered_set<std::string> keywords;       // lowercased
  std::vector<std::string> prefixes;              // lowercased
  std::unordered_set<std::string> generic_names;  // casefolded
  std::unordered_set<std::string> loop_allow;     // addresses and "@domain"

  bool is_alias(const EmailAddress& a) const { return aliases.count(a.base()) > 0; }
  bool is_system_sender(const EmailAddress& a) const;
};

/// The store's facts a pass reads that stay the same from mail to mail: read once by a batch
/// (route_many) and handed to each of its passes. Empty members are read by the pass itself.
struct SiteFacts {
  std::optional<model::TicketStatuses> statuses;  // HD Ticket Status categories + the site's
  std::optional<bool> has_route_log;              // the schema has the decision-log doctype
};

/// Decides `email` in one pass over the store into `result` and, when `write` is set, writes
/// what the decision says as it is made (contact, ticket or lead, status, Communication, log
/// rows) — in the caller's transaction. Throws on store errors, leaving in `result` what was
/// decided until then. `facts`, when given, must have been read from the same store and site.
void route_pass(Store& store, const CompiledRules& rules, const InboundEmail& email, bool write,
                RouteResult& result, const SiteFacts* facts = nullptr);

// ---- writes (router_write.cpp) -------------------------------------------------------------

/// The `error` text of an Error Log row: the category, a newline, the message.
std::string log_text(const std::pair<std::string, std::string>& entry);
/// The Communication of a routed mail, filed on result.doctype/result.name.
Document communication_fields(Store& store, const RoutingRules& rules, const InboundEmail& e,
                              const RouteResult& r, const std::vector<std::string>& to,
                              const std::vector<std::string>& cc, bool automated);
/// Inserts the decision-log and Error Log rows that RoutingRules::route_log and error_log ask
/// for.
void write_logs(Store& store, const RoutingRules& rules, const RouteResult& r,
                bool has_route_log);

}  // namespace switchboard::routing_detail
