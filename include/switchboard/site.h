// switchboard: SiteConfig — the facts of one site that every service decides by: the phone
// region, the company's mail domains and routing aliases, which ticket and lead statuses count
// as open or closed, and the company's own phone numbers. One per store (Store::site()); no
// process-global settings, so one process may serve several sites.
// Thread-safe: a value type; a store hands out immutable shared copies.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "switchboard/export.h"

namespace switchboard {

struct SWITCHBOARD_EXPORT SiteConfig {
  /// ISO 3166 region for phone numbers written without a country code ("US", "GB").
  std::string region = "US";
  /// Regions tried in order when a number is not valid in `region` (national numbers of
  /// customers abroad); empty = only `region`.
  std::vector<std::string> fallback_regions;
  /// The company's own mail domains (and their subdomains): staff, never a customer.
  std::vector<std::string> company_domains;
  /// Further domains whose mail is internal (contractors, a staff domain).
  std::vector<std::string> internal_domains;
  /// Mailboxes that receive customer mail, by team; "support+tag@" matches "support@".
  std::vector<std::string> support_aliases;
  std::vector<std::string> sales_aliases;
  std::vector<std::string> info_aliases;
  /// HD Ticket statuses that count as open (besides every HD Ticket Status whose category is
  /// Open or Paused, when the site has that doctype).
  std::vector<std::string> open_ticket_statuses{"Open", "Replied", "Waiting for Customer",
                                                "On Hold"};
  /// HD Ticket statuses that count as closed (a reply may reopen or follow up).
  std::vector<std::string> closed_ticket_statuses{"Resolved", "Closed"};
  /// CRM Lead statuses that end a lead (converted leads are closed whatever their status).
  std::vector<std::string> closed_lead_statuses;
  /// The company's own phone numbers: never taken for a customer; the first is the caller
  /// number of calls the company places.
  std::vector<std::string> company_numbers;

  /// Throws ValidationError naming the first bad value (a region that is not two letters,
  /// an alias that is not an address, an empty list entry).
  void validate() const;
  /// Every internal domain: company_domains then internal_domains, lower-cased.
  std::vector<std::string> all_internal_domains() const;
  /// Reads a JSON object whose keys are the field names above; absent keys keep their
  /// defaults. Throws ParseError (and nothing else) for bad JSON, a non-object,
  /// unknown keys, wrong types or values validate() rejects.
  static SiteConfig from_json(std::string_view json);
  /// Every field as a JSON object (from_json reads it back).
  std::string to_json() const;

  friend bool operator==(const SiteConfig& a, const SiteConfig& b);
  friend bool operator!=(const SiteConfig& a, const SiteConfig& b) { return !(a == b); }
};

}  // namespace switchboard
