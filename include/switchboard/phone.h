// switchboard: phone numbers — normalization and match keys on libphonenumber, click-to-call
// links, and the phone keys stored on leads, deals, contacts, tickets and call logs.
// Thread-safe: pure functions; the site default region is an atomic setting.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/export.h"

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

/// The site default region ("US" until changed): used whenever a region argument is "".
SWITCHBOARD_EXPORT std::string default_phone_region();
/// Changes the site default region (case-insensitive, e.g. "IN"). Keys already stored were
/// computed with the old one: run PhoneMerger::rekey afterwards. Throws ValidationError for a
/// region libphonenumber does not know.
SWITCHBOARD_EXPORT void set_default_phone_region(std::string_view region);

/// Parses `raw` as libphonenumber does (separators, NBSP, dashes, full-width and Arabic-Indic
/// digits, tel: URIs, trunk prefixes, IDD, vanity letters, extensions); a number without a
/// country code is read in `region` ("" = site default). Returns nullopt when `raw` is not a
/// phone number at all. Throws ValidationError for an unknown region.
SWITCHBOARD_EXPORT std::optional<Phone> normalize_phone(std::string_view raw,
                                                        std::string_view region = {});

/// The match key of `raw`: the E.164 of a possible number, extension split off; nullopt for
/// garbage, too short or too long numbers and numbers possible only locally (no area code).
/// Equal to libphonenumber's answer on every input; a fast path handles common North American
/// shapes. Throws ValidationError for an unknown region.
SWITCHBOARD_EXPORT std::optional<std::string> phone_key(std::string_view raw,
                                                        std::string_view region = {});

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

/// Compares two numbers: kExact when both have the same key and extension read in `region`
/// ("" = site default), else libphonenumber's verdict on the two strings. Input that is not a
/// number, or too short to be one in `region` ("", "abc", "12"), matches nothing. Only kExact
/// may merge.
SWITCHBOARD_EXPORT PhoneMatch phone_match(std::string_view a, std::string_view b,
                                          std::string_view region = {});

/// Links that start a call to a number.
struct SWITCHBOARD_EXPORT ClickToCall {
  std::string e164;       ///< the number dialled
  std::string extension;  ///< to ask for once connected ("" when none)
  std::string desktop;    ///< RingCentral app: "rcapp://r/call?number=%2B15551234567"
  std::string web;        ///< "https://app.ringcentral.com/r/call?number=%2B15551234567"
  std::string tel;        ///< RFC 3966: "tel:+15551234567", with ";ext=89" when there is one
};

/// Click-to-call links for `raw` read in `region` ("" = site default), URL-encoded. The
/// RingCentral links dial the number itself; the extension is kept in `extension` and `tel`.
/// Throws ValidationError when `raw` is not dialable (no key: garbage, too short, or
/// missing its area code).
SWITCHBOARD_EXPORT ClickToCall click_to_call(std::string_view raw, std::string_view region = {});

// ---- stored phone keys ------------------------------------------------------------------

/// Version of the key format; stored beside the keys. Bumped when normalization changes.
inline constexpr int kPhoneKeyVersion = 1;
/// The Int field holding the key version on every keyed doctype.
inline constexpr const char* kPhoneKeyVersionField = "custom_phone_key_version";

/// One phone field of a doctype and the fields its key is stored in.
struct SWITCHBOARD_EXPORT PhoneKeyField {
  std::string source;     ///< the phone field as people type it, e.g. "mobile_no"
  std::string key;        ///< "custom_<source>_key": E.164 of a possible number, else null
  std::string extension;  ///< "custom_<source>_ext": the extension, else null
};

/// The keyed phone fields of `doctype` (CRM Lead: mobile_no, phone; CRM Deal: mobile_no,
/// phone; Contact Phone: phone; HD Ticket: contact_mobile; CRM Call Log: from, to; Helpdesk
/// Call Log: from_number, to_number); empty for other doctypes. The store keeps the keys up to
/// date on every insert and update, computed in the site default region.
SWITCHBOARD_EXPORT const std::vector<PhoneKeyField>& phone_key_fields(std::string_view doctype);

/// Every doctype with stored phone keys, in the order above.
SWITCHBOARD_EXPORT const std::vector<std::string>& keyed_doctypes();

}  // namespace switchboard
