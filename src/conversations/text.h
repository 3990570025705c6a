// Internal text helpers shared by conversations and orders: case folding, trimming, address
// lists (GMime) and Frappe datetime arithmetic. (Phone keys: switchboard/phone.h.)
// Thread-safe: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"  // trim, collapse_spaces, lower, upper, truncate_chars

namespace switchboard::text {

/// The mailbox addresses of an RFC 5322 address list ("A <a@x>, \"Doe, J\" <j@y>, z@w"),
/// lower-cased and trimmed, in order; groups are flattened. Garbage yields what GMime can read.
std::vector<std::string> addresses(std::string_view list);
/// True when the domain of `email` is one of `domains` or a subdomain of one (ignoring case).
bool in_domains(std::string_view email, const std::vector<std::string>& domains);
/// The local part of an address ("jane.doe" of "jane.doe@x.com"); "" without "@".
std::string local_part(std::string_view email);

/// `floor` plus one microsecond, as Frappe datetime text ("YYYY-MM-DD HH:MM:SS.ffffff");
/// nullopt when `floor` is not datetime text.
std::optional<std::string> datetime_after(std::string_view floor);
/// Compares two Frappe datetimes by instant (missing fractions count as zero); text order when
/// either does not parse. Returns <0, 0 or >0.
int compare_datetimes(std::string_view a, std::string_view b);

}  // namespace switchboard::text

namespace switchboard::text {

/// A LIKE pattern matching `s` exactly up to case and single characters: ASCII characters are
/// kept, every other code point and the wildcards themselves become "_". Callers re-check
/// each candidate it finds (a superset of the exact case-insensitive matches).
std::string like_candidates(std::string_view s);

}  // namespace switchboard::text
