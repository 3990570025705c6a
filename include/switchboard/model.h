// switchboard: the site model — Frappe's default records, the site's facts (SiteConfig)
// stored in the store itself as the Single doctype "Switchboard Settings" that a Frappe site
// edits in the desk, and how a person's name is split.
// Thread-safe: free functions over a thread-safe Store.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

/// Validates `site`, stores it as the settings document and makes it the store's site
/// (Store::set_site), in one transaction. When the region or the fallback regions change, the
/// stored phone keys are recomputed in that transaction too (rekey_all_phone_keys), so that
/// every stored key reads numbers as the site does. Throws ValidationError, or NotFound when
/// the schema lacks the settings doctype; on any error nothing is stored and the store's site
/// stays as it was.
SWITCHBOARD_EXPORT void save_site_config(Store& store, const SiteConfig& site);

/// What a rekey did to one doctype.
struct SWITCHBOARD_EXPORT RekeyReport {
  std::string doctype;
  std::int64_t scanned = 0;  ///< rows read
  std::int64_t updated = 0;  ///< rows whose stored keys or key version were rewritten
};

/// Progress of a long operation: done of total (rows, or groups of rows).
using RekeyProgress = std::function<void(std::int64_t done, std::int64_t total)>;

/// Recomputes the stored phone keys of every row of a keyed doctype (phone_fields.h) as the
/// store's site reads numbers, and rewrites the rows whose keys, extensions or key version
/// differ: rows written by an older version (kPhoneKeyVersion), before the site's regions
/// changed, or outside the library (a Frappe form, an import). One transaction per page of
/// rows read (a savepoint inside an open transaction); progress after each page. Running it
/// again rewrites nothing. Throws ValidationError for a doctype without stored keys.
SWITCHBOARD_EXPORT RekeyReport rekey_phone_keys(Store& store, std::string_view doctype,
                                                const RekeyProgress& progress = {});

/// rekey_phone_keys for every keyed doctype of the store's schema, in phone_fields.h's order
/// (progress counts within each doctype). After upgrading to a version with another
/// kPhoneKeyVersion, this (or `frontdesk init`) brings an existing database's keys up to date.
SWITCHBOARD_EXPORT std::vector<RekeyReport> rekey_all_phone_keys(Store& store,
                                                                 const RekeyProgress& progress = {});

/// Splits a person's name into (first, last): "Doe, John" -> (John, Doe); middle names stay
/// with the first name ("John Michael Doe" -> (John Michael, Doe)); surname particles and
/// suffixes stay with the last ("Ludwig van Beethoven", "John Doe Jr."); a single name is
/// (name, ""); a leading salutation is dropped. Whitespace is collapsed. Never throws. Every
/// contact and lead switchboard creates is named by it.
SWITCHBOARD_EXPORT std::pair<std::string, std::string> split_name(std::string_view full_name);

}  // namespace switchboard
