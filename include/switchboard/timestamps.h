// switchboard: ISO 8601 timestamps as the library reads and writes them (RingCentral's times,
// the call-log sync cursor, the job queue's Unix seconds).
// Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "switchboard/export.h"

namespace switchboard {

/// Unix seconds of an ISO 8601 date or date-time: "2025-03-01" (midnight UTC),
/// "2025-03-01T08:00:00Z", "2025-03-01T10:00:00+02:00"; a "T" time without a zone is UTC (as
/// RingCentral writes it), "2025-03-01 08:00:00" (Frappe's form) local time. nullopt for
/// anything else.
SWITCHBOARD_EXPORT std::optional<std::int64_t> parse_timestamp(std::string_view text);

/// Unix seconds as "2025-03-01T08:00:00.000Z".
SWITCHBOARD_EXPORT std::string format_timestamp(std::int64_t unix_seconds);

}  // namespace switchboard
