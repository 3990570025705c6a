// Internal: RingCentral's ISO 8601 UTC times as Frappe's naive local datetimes.
#pragma once

#include <string>
#include <string_view>

namespace switchboard {

/// "2025-01-06T10:30:00.123Z" (or with a ±HH:MM offset) -> the same instant as naive local
/// time "YYYY-MM-DD HH:MM:SS"; text already in Frappe's form ("2025-01-06 10:30:00") is kept
/// as local time. Returns "" for empty or unparsable input.
std::string local_datetime_from_iso(std::string_view text);

}  // namespace switchboard
