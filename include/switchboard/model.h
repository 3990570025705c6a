// switchboard: the site model — Frappe's default records, the site's facts (SiteConfig)
// stored in the store itself as the Single doctype "Switchboard Settings" that a Frappe site
// edits in the desk, and how a person's name is split.
// Thread-safe: free functions over a thread-safe Store.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "switchboard/export.h"
#include "switchboard/site.h"
#include "switchboard/store.h"

namespace switchboard {

/// The Single doctype holding a site's SiteConfig. Its fields are SiteConfig's; list fields
/// hold one entry per line.
inline constexpr const char* kSiteSettingsDoctype = "Switchboard Settings";

/// Inserts Frappe's default records (CRM Lead/Deal statuses, HD Ticket statuses) that are
/// missing. Idempotent; one transaction. Stores opened on their own database call it.
SWITCHBOARD_EXPORT void seed_standard_records(Store& store);

/// The SiteConfig stored in `store` (defaults for fields never set, and when nothing is stored
/// or the schema lacks the settings doctype). Throws ValidationError for stored values that
/// are invalid.
SWITCHBOARD_EXPORT SiteConfig load_site_config(Store& store);

/// Validates `site`, stores it as the settings document (one transaction) and makes it the
/// store's site (Store::set_site). Throws ValidationError, or NotFound when the schema lacks
/// the settings doctype.
SWITCHBOARD_EXPORT void save_site_config(Store& store, const SiteConfig& site);

/// Splits a person's name into (first, last): "Doe, John" -> (John, Doe); middle names stay
/// with the first name ("John Michael Doe" -> (John Michael, Doe)); surname particles and
/// suffixes stay with the last ("Ludwig van Beethoven", "John Doe Jr."); a single name is
/// (name, ""); a leading salutation is dropped. Whitespace is collapsed. Never throws. Every
/// contact and lead switchboard creates is named by it.
SWITCHBOARD_EXPORT std::pair<std::string, std::string> split_name(std::string_view full_name);

}  // namespace switchboard
