// switchboard: where the site model stores phone keys — every phone field switchboard matches
// on has a key field (E.164 of a possible number) and an extension field beside it, plus a key
// version on the row. The phone layer computes the keys (phone.h); lookups read these fields.
// Thread-safe: constant tables.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "switchboard/export.h"

namespace switchboard {

/// Version of the key format; stored beside the keys (kPhoneKeyVersionField). Bumped when
/// normalization changes.
/// 2: international prefixes, fallback regions; 3: a key is its own key (Mexico's old mobile
/// "1" dropped from national spellings too).
inline constexpr int kPhoneKeyVersion = 3;

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
/// date on every insert and update, computed as phone_key(raw, site) reads numbers on its site.
SWITCHBOARD_EXPORT const std::vector<PhoneKeyField>& phone_key_fields(std::string_view doctype);

/// Every doctype with stored phone keys, in the order above.
SWITCHBOARD_EXPORT const std::vector<std::string>& keyed_doctypes();

/// The key field of `source` on `doctype` ("custom_contact_mobile_key" for HD Ticket's
/// contact_mobile), or "" when that field is not keyed.
SWITCHBOARD_EXPORT std::string phone_key_field(std::string_view doctype, std::string_view source);

}  // namespace switchboard
