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

/// One brand of a site: its own mail domains, routing aliases and phone numbers. A record
/// belongs to the brand whose alias its customer wrote to (custom_reply_email_alias); mail to
/// one brand's alias never lands on another brand's record unless its headers thread it.
struct SWITCHBOARD_EXPORT Brand {
  std::string name;  ///< unique within the site, not empty
  /// The brand's mail domains (and their subdomains): internal, like company_domains.
  std::vector<std::string> domains;
  std::vector<std::string> support_aliases;
  std::vector<std::string> sales_aliases;
  std::vector<std::string> info_aliases;
  std::vector<std::string> company_numbers;
  /// The address agents' replies go out from when a record names no alias; "" = the brand's
  /// first support alias for tickets, first sales alias (else info alias) for leads.
  std::string reply_from;
  /// Text an agent's reply may end with (shown by the desk; the library only stores it).
  std::string signature;

  /// Every routing alias of the brand: support, sales, then info.
  std::vector<std::string> aliases() const;
};

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
  /// The site's brands. The flat lists above are the default brand's (records of their
  /// aliases belong to no brand and are never kept apart); what a service decides by is the
  /// union: the all_*() accessors give the flat list followed by each brand's, without repeats.
  std::vector<Brand> brands;

  /// Throws ValidationError naming the first bad value (a region that is not two letters,
  /// an alias that is not an address, an empty list entry).
  void validate() const;
  /// Every internal domain: company_domains, internal_domains, then the brands' domains,
  /// lower-cased.
  std::vector<std::string> all_internal_domains() const;
  /// The flat list followed by every brand's, without repeats (as written).
  std::vector<std::string> all_support_aliases() const;
  std::vector<std::string> all_sales_aliases() const;
  std::vector<std::string> all_info_aliases() const;
  std::vector<std::string> all_company_numbers() const;
  /// The brand an address belongs to: the brand listing it as an alias ("+tag" and letter
  /// case ignored), else the brand whose domains hold its domain; nullptr for none (and for
  /// an address that is also one of the flat lists' aliases).
  const Brand* brand_of(std::string_view address) const;
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
