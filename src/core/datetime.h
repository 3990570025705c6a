// Internal date and time rules every area shares: Frappe's datetime text (naive local time,
// "YYYY-MM-DD HH:MM:SS[.ffffff]"), ISO 8601 instants as sent by RingCentral, and instants
// (from RFC 5322 Date headers, parsed by GMime) turned into Frappe's local time.
// Thread-safe: pure functions; local time follows the process's TZ unless a Zone is given.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::dates {

/// Seconds and microseconds of a datetime text read as if it were UTC; ordered by instant.
struct Instant {
  std::int64_t seconds = 0;
  int micros = 0;
  friend bool operator<(const Instant& a, const Instant& b) {
    return a.seconds != b.seconds ? a.seconds < b.seconds : a.micros < b.micros;
  }
  friend bool operator==(const Instant& a, const Instant& b) {
    return a.seconds == b.seconds && a.micros == b.micros;
  }
};

/// Reads Frappe datetime text "YYYY-MM-DD HH:MM:SS" with an optional ".f" to ".ffffff"
/// (surrounding whitespace ignored); nullopt for anything else.
std::optional<Instant> parse_frappe(std::string_view text);
/// Frappe datetime text of `t` read back as UTC: "YYYY-MM-DD HH:MM:SS" and, when
/// `with_micros`, ".ffffff".
std::string format_frappe(Instant t, bool with_micros);
/// `t` in local time as Frappe stores it, with microseconds. Fast for bursts in one second.
std::string frappe_now(std::chrono::system_clock::time_point t);
/// Unix seconds in local time as Frappe's "YYYY-MM-DD HH:MM:SS".
std::string frappe_local(std::int64_t unix_seconds);
/// The broken-down local time of `t`.
std::tm local_tm(std::chrono::system_clock::time_point t);

/// A named time zone ("Asia/Kolkata", "America/New_York", "UTC") read from the system's zone
/// database through GLib: the zone a Frappe site writes its datetimes in.
class Zone;
/// The zone of an IANA name; null for "" (the process's local time, TZ). Throws
/// ValidationError for a name the zone database does not know.
std::shared_ptr<const Zone> zone_named(std::string_view name);
/// The broken-down time of `t` in `zone` (null: the process's local time).
std::tm zone_tm(const Zone* zone, std::chrono::system_clock::time_point t);
/// Frappe datetime text of `t` in `zone` (null: the process's local time, as frappe_now).
std::string zone_text(const Zone* zone, std::chrono::system_clock::time_point t, bool with_micros);

/// `floor` plus one microsecond as Frappe text with microseconds; nullopt when `floor` is not
/// Frappe datetime text.
std::optional<std::string> datetime_after(std::string_view floor);
/// Compares two Frappe datetimes by instant (missing fractions count as zero); text order when
/// either does not parse. Returns <0, 0 or >0.
int compare_frappe(std::string_view a, std::string_view b);

/// ISO 8601 "2025-01-06T10:30:00.123Z" (or with a ±HH:MM offset, or without a zone: UTC) as
/// the same instant in local time "YYYY-MM-DD HH:MM:SS"; text already in Frappe's form
/// ("2025-01-06 10:30:00") is kept as local time. "" for empty or unparsable input.
std::string local_from_iso8601(std::string_view text);
/// The same inputs as Unix seconds (a date alone is its midnight UTC, Frappe's form is local
/// time); nullopt for empty or unparsable input.
std::optional<std::int64_t> unix_from_iso8601(std::string_view text);
/// Unix seconds as RingCentral writes times: "2025-01-06T10:30:00.000Z".
std::string iso8601_utc(std::int64_t unix_seconds);

}  // namespace switchboard::dates
