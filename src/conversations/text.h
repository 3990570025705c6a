// Internal helpers of conversations: Frappe datetime arithmetic. (Text: core/text.h;
// addresses: switchboard/email.h; phone keys: switchboard/phone.h.)
// Thread-safe: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"  // trim, collapse_spaces, lower, upper, truncate_chars

namespace switchboard::text {

/// `floor` plus one microsecond, as Frappe datetime text ("YYYY-MM-DD HH:MM:SS.ffffff");
/// nullopt when `floor` is not datetime text.
std::optional<std::string> datetime_after(std::string_view floor);
/// Compares two Frappe datetimes by instant (missing fractions count as zero); text order when
/// either does not parse. Returns <0, 0 or >0.
int compare_datetimes(std::string_view a, std::string_view b);

}  // namespace switchboard::text
