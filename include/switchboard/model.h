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
/// (Store::set_site), in one transaction. When the region or the fallback regions change, or
/// the settings do not say the stored phone keys were computed as `site` computes them
/// (phone_keys_signature), the stored keys are recomputed in that transaction too
/// (rekey_all_phone_keys), so that every stored key reads numbers as the site does. Throws
/// ValidationError, or NotFound when the schema lacks the settings doctype; on any error
/// nothing is stored and the store's site stays as it was.
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
/// (progress counts within each doctype). It reads every row, whatever the settings record:
/// it also finds rows written outside the library with stale keys (an import, raw SQL).
SWITCHBOARD_EXPORT std::vector<RekeyReport> rekey_all_phone_keys(Store& store,
                                                                 const RekeyProgress& progress = {});

/// The settings field recording what the stored phone keys were computed with.
inline constexpr const char* kPhoneKeysSignatureField = "phone_keys_signature";

/// What every stored phone key depends on: the key version (kPhoneKeyVersion) and how `site`
/// reads numbers — "v3 US", or "v3 US GB,DE" with fallback regions.
SWITCHBOARD_EXPORT std::string phone_keys_signature(const SiteConfig& site);

/// Brings the stored phone keys up to date when the settings do not record that they were
/// computed as the store's site computes them now (phone_keys_signature): written by an older
/// version of the library, under other regions, or never recorded. Then every keyed doctype
/// is rekeyed (rekey_all_phone_keys) and the site's signature recorded, in one transaction.
/// Keys recorded by a newer version are left as they are (a warning is logged), as are
/// stores whose schema has no settings field to record in. Returns the reports, empty when
/// nothing was rekeyed. Every store the library opens on its own database for writing calls
/// it (open_store), so an upgrade that changes the key format is applied on first open.
SWITCHBOARD_EXPORT std::vector<RekeyReport> refresh_phone_keys(Store& store,
                                                               const RekeyProgress& progress = {});

/// Splits a person's name into (first, last): "Doe, John" -> (John, Doe); middle names stay
/// with the first name ("John Michael Doe" -> (John Michael, Doe)); surname particles and
/// suffixes stay with the last ("Ludwig van Beethoven", "John Doe Jr."); a single name is
/// (name, ""); a leading salutation is dropped. Whitespace is collapsed. Never throws. Every
/// contact and lead switchboard creates is named by it.
SWITCHBOARD_EXPORT std::pair<std::string, std::string> split_name(std::string_view full_name);

}  // namespace switchboard
