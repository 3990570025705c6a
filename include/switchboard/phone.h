// switchboard: phone numbers — normalization and match keys on libphonenumber, click-to-call
// links, and the phone keys stored on leads, deals, contacts, tickets and call logs.
// Thread-safe: pure functions. There is no process-wide region: every function takes the
// region to read national numbers in ("US" when omitted), or a site (its region and fallback
// regions); services pass their store's site.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/export.h"
#include "switchboard/phone_fields.h"
#include "switchboard/site.h"

namespace switchboard {

/// A parsed phone number. `e164` is the number without its extension ("+15551234567").
struct SWITCHBOARD_EXPORT Phone {
  std::string e164;       ///< E.164 of the number, extension dropped
  std::string extension;  ///< "89" for "... x 89"; "" when none
  bool possible = false;  ///< a possible number with its area code (not only a local one)
  bool valid = false;     ///< valid under libphonenumber's metadata (555 numbers are not)
  std::string region;     ///< region of the number ("US"); its country's main region if invalid

  /// The match key: `e164` when the number is possible, else "".
  std::string key() const { return possible ? e164 : std::string(); }
};

/// Parses `raw` as libphonenumber does (separators, NBSP, dashes, full-width and Arabic-Indic
/// digits, tel: URIs, trunk prefixes, IDD, vanity letters, extensions); a number without a
/// country code is read in `region` (case-insensitive). Returns nullopt when `raw` is not a
/// phone number at all. Throws ValidationError for an empty or unknown region.
SWITCHBOARD_EXPORT std::optional<Phone> normalize_phone(std::string_view raw,
                                                        std::string_view region = "US");
/// The number `raw` is on `site`, read as phone_key(raw, site) reads it: its key() is that
/// key, with the extension beside it, as a store with that site stores both. nullopt when no
/// reading parses. Throws ValidationError for a region libphonenumber does not know.
SWITCHBOARD_EXPORT std::optional<Phone> normalize_phone(std::string_view raw,
                                                        const SiteConfig& site);

/// The match key of `raw`: the E.164 of a possible number, extension split off; nullopt for
/// garbage, too short or too long numbers and numbers possible only locally (no area code).
/// Equal to libphonenumber's answer on every input; a fast path handles common North American
/// shapes. Throws ValidationError for an empty or unknown region.
SWITCHBOARD_EXPORT std::optional<std::string> phone_key(std::string_view raw,
                                                        std::string_view region = "US");
/// The match key of `raw` on `site`, the key a store with that site stores and every service
/// matches on. The first reading that works: valid in site.region; valid in a fallback region
/// (in order) where it is written as that country writes national numbers, with its trunk
/// prefix; possible in site.region (libphonenumber's answer); an international prefix "0011",
/// "011" or "00" written instead of "+" (valid, else possible). Throws ValidationError for a
/// region libphonenumber does not know.
SWITCHBOARD_EXPORT std::optional<std::string> phone_key(std::string_view raw,
                                                        const SiteConfig& site);

/// The original scripts' normalization, kept for compatibility: the ASCII digits of `raw`, in order
/// ("+1 (555) 123-4567" -> "15551234567"). Never throws.
SWITCHBOARD_EXPORT std::string digits_only(std::string_view raw);

/// How closely two phone numbers match (libphonenumber's IsNumberMatch levels).
enum class PhoneMatch {
  kNone,      ///< different numbers, or one is not a phone number
  kShortNsn,  ///< one national number is a suffix of the other, or only one has an extension
  kNsn,       ///< same national number, one side has no country code (a suggestion only)
  kExact,     ///< the same number and extension
};

/// The stable name of a match level: "NONE", "SHORT_NSN", "NSN", "EXACT".
SWITCHBOARD_EXPORT const char* phone_match_name(PhoneMatch match) noexcept;

/// How extensions count when numbers are matched (dialling always keeps the extension).
enum class ExtensionMatch {
  /// The default: a number without an extension matches the same number with one (a caller ID
  /// never carries the extension a record was written with); two different extensions never
  /// match (colleagues on one company line are different people).
  kIgnoreMissing,
  kStrict,  ///< extensions must be equal: "" matches only ""
};

/// Whether two stored keys and extensions name the same line: equal non-empty keys, and
/// extensions as `extensions` says. Never throws.
SWITCHBOARD_EXPORT bool same_line(std::string_view key_a, std::string_view ext_a,
                                  std::string_view key_b, std::string_view ext_b,
                                  ExtensionMatch extensions = ExtensionMatch::kIgnoreMissing) noexcept;

/// Compares two numbers: kExact when both have the same key read in `region` and their
/// extensions match as `extensions` says, else libphonenumber's verdict on the two strings.
/// Input that is not a number, or too short to be one in `region` ("", "abc", "12"), matches
/// nothing. Only kExact may merge.
SWITCHBOARD_EXPORT PhoneMatch phone_match(std::string_view a, std::string_view b,
                                          std::string_view region = "US",
                                          ExtensionMatch extensions = ExtensionMatch::kIgnoreMissing);

/// Links that start a call to a number.
struct SWITCHBOARD_EXPORT ClickToCall {
  std::string e164;       ///< the number dialled
  std::string extension;  ///< to ask for once connected ("" when none)
  std::string desktop;    ///< RingCentral app: "rcapp://r/call?number=15551234567"
  std::string web;        ///< "https://app.ringcentral.com/r/call?number=15551234567"
  std::string tel;        ///< RFC 3966: "tel:+15551234567", with ";ext=89" when there is one
};

/// Click-to-call links for `raw` read in `region`. The RingCentral links carry the E.164
/// digits without "+" and dial the number itself; the extension is kept in `extension` and
/// `tel`. Throws ValidationError when
/// `raw` is not dialable (no key: garbage, too short, or missing its area code) or the region
/// is empty or unknown.
SWITCHBOARD_EXPORT ClickToCall click_to_call(std::string_view raw,
                                             std::string_view region = "US");
/// Click-to-call links for `raw` on `site`: the number its key names (phone_key(raw, site)).
SWITCHBOARD_EXPORT ClickToCall click_to_call(std::string_view raw, const SiteConfig& site);

// Stored phone keys: where they are stored and their version (kPhoneKeyVersion) are in
// phone_fields.h.

}  // namespace switchboard
