// Internal: RingCentral's ISO 8601 UTC times as Frappe's naive local datetimes and as Unix
// seconds. Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard {

/// "2025-01-06T10:30:00.123Z" (or with a ±HH:MM offset) -> the same instant as naive local
/// time "YYYY-MM-DD HH:MM:SS"; text already in Frappe's form ("2025-01-06 10:30:00") is kept
/// as local time. Returns "" for empty or unparsable input.
std::string local_datetime_from_iso(std::string_view text);

/// The same inputs (a date alone is its midnight; no zone after "T" is UTC; Frappe's form is
/// local time) as Unix seconds; nullopt when unparsable.
std::optional<std::int64_t> unix_from_iso(std::string_view text);

/// Unix seconds as RingCentral writes times: "2025-01-06T10:30:00.000Z".
std::string iso_from_unix(std::int64_t unix_seconds);

}  // namespace switchboard
