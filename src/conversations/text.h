// Internal text helpers of conversations and orders: address lists (GMime), domains and LIKE
// patterns, next to the shared rules of core/text.h. (Phone keys: switchboard/phone.h.)
// Thread-safe: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"

namespace switchboard::text {

/// The mailbox addresses of an RFC 5322 address list ("A <a@x>, \"Doe, J\" <j@y>, z@w"),
/// lower-cased and trimmed, in order; groups are flattened. Garbage yields what GMime can read.
std::vector<std::string> addresses(std::string_view list);
/// True when the domain of `email` is one of `domains` or a subdomain of one (ignoring case).
bool in_domains(std::string_view email, const std::vector<std::string>& domains);
/// The local part of an address ("jane.doe" of "jane.doe@x.com"); "" without "@".
std::string local_part(std::string_view email);

}  // namespace switchboard::text

namespace switchboard::text {

/// A LIKE pattern matching `s` exactly up to case and single characters: ASCII characters are
/// kept, every other code point and the wildcards themselves become "_". Callers re-check
/// each candidate it finds (a superset of the exact case-insensitive matches).
std::string like_candidates(std::string_view s);

}  // namespace switchboard::text
