// The shared date and time rules (see datetime.h): the C library's timegm/localtime_r, and
// GLib's zone database for named zones.
#include "core/datetime.h"

#include <glib.h>

#include <cstdio>

#include "core/text.h"
#include "switchboard/error.h"
#include "switchboard/timestamps.h"

namespace switchboard::dates {
namespace {

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

std::tm broken_down(int year, int month, int day, int hour, int minute, int second) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return tm;
}

std::int64_t as_utc(int year, int month, int day, int hour, int minute, int second) {
  std::tm tm = broken_down(year, month, day, hour, minute, second);
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string format_tm(const std::tm& tm) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace

std::optional<Instant> parse_frappe(std::string_view raw) {
  std::string t = text::trim(raw);
  std::string_view s = t;
  int y, mo, d, h, mi, sec;
  if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) ||
      s[7] != '-' || !digits(s, 8, 2, d) || s[10] != ' ' || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec))
    return std::nullopt;
  int micros = 0;
  std::size_t pos = 19;
  if (pos < s.size()) {
    if (s[pos] != '.' || pos + 1 == s.size()) return std::nullopt;
    int n = 0;
    for (++pos; pos < s.size(); ++pos, ++n) {
      if (s[pos] < '0' || s[pos] > '9' || n >= 6) return std::nullopt;
      micros = micros * 10 + (s[pos] - '0');
    }
    for (; n < 6; ++n) micros *= 10;
  }
  return Instant{as_utc(y, mo, d, h, mi, sec), micros};
}

std::string format_frappe(Instant t, bool with_micros) {
  std::time_t secs = static_cast<std::time_t>(t.seconds);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  std::string out = format_tm(tm);
  if (with_micros) {
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%06d", t.micros);
    out += frac;
  }
  return out;
}

namespace {

// `t` as whole seconds (rounded down, also before 1970) and the microseconds past them.
Instant instant_of(std::chrono::system_clock::time_point t) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  Instant out{micros / 1000000, static_cast<int>(micros % 1000000)};
  if (out.micros < 0) {
    out.micros += 1000000;
    --out.seconds;
  }
  return out;
}

}  // namespace

std::string frappe_now(std::chrono::system_clock::time_point t) {
  const Instant at = instant_of(t);
  std::time_t secs = static_cast<std::time_t>(at.seconds);
  long frac = at.micros;
  // Writes come in bursts within one second: localtime_r and the date text are reused (for
  // the same zone: tzset() after a TZ change moves ::timezone).
  thread_local std::time_t cached_secs = -1;
  thread_local long cached_zone = 0;
  thread_local std::string cached;
  if (secs != cached_secs || ::timezone != cached_zone) {
    std::tm tm{};
    localtime_r(&secs, &tm);
    cached = format_tm(tm) + ".";
    cached_secs = secs;
    cached_zone = ::timezone;
  }
  std::string out;
  out.reserve(cached.size() + 6);
  out += cached;
  char digits6[6];
  for (int i = 5; i >= 0; --i, frac /= 10) digits6[i] = static_cast<char>('0' + frac % 10);
  out.append(digits6, 6);
  return out;
}

std::string frappe_local(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  return format_tm(tm);
}

std::tm local_tm(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&secs, &tm);
  return tm;
}

class Zone {
 public:
  explicit Zone(GTimeZone* tz) : tz_(tz) {}
  ~Zone() { g_time_zone_unref(tz_); }
  Zone(const Zone&) = delete;
  Zone& operator=(const Zone&) = delete;
  /// Seconds east of UTC at the instant `unix_seconds`.
  std::int64_t offset_at(std::int64_t unix_seconds) const {
    int interval = g_time_zone_find_interval(tz_, G_TIME_TYPE_UNIVERSAL, unix_seconds);
    return interval < 0 ? 0 : g_time_zone_get_offset(tz_, interval);
  }

 private:
  GTimeZone* tz_;
};

std::shared_ptr<const Zone> zone_named(std::string_view name) {
  std::string id = text::trim(name);
  if (id.empty()) return nullptr;
  GTimeZone* tz = g_time_zone_new_identifier(id.c_str());
  if (!tz) throw ValidationError("unknown time zone '" + id + "' (an IANA name such as Asia/Kolkata)");
  return std::make_shared<const Zone>(tz);
}

std::tm zone_tm(const Zone* zone, std::chrono::system_clock::time_point t) {
  if (!zone) return local_tm(t);
  const std::int64_t secs = instant_of(t).seconds;
  std::time_t shifted = static_cast<std::time_t>(secs + zone->offset_at(secs));
  std::tm tm{};
  gmtime_r(&shifted, &tm);
  return tm;
}

std::string zone_text(const Zone* zone, std::chrono::system_clock::time_point t, bool with_micros) {
  if (!zone) {
    std::string local = frappe_now(t);
    if (!with_micros) local.resize(19);
    return local;
  }
  Instant at = instant_of(t);
  at.seconds += zone->offset_at(at.seconds);
  return format_frappe(at, with_micros);
}

std::optional<std::string> datetime_after(std::string_view floor) {
  auto t = parse_frappe(floor);
  if (!t) return std::nullopt;
  if (++t->micros == 1000000) {
    t->micros = 0;
    ++t->seconds;
  }
  return format_frappe(*t, true);
}

int compare_frappe(std::string_view a, std::string_view b) {
  auto pa = parse_frappe(a), pb = parse_frappe(b);
  if (pa && pb) return *pa < *pb ? -1 : *pb < *pa ? 1 : 0;
  int c = a.compare(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

namespace {

// The fields of an ISO 8601 time; `naive_local` for Frappe's "YYYY-MM-DD HH:MM:SS" form.
struct Iso {
  int year, month, day, hour = 0, minute = 0, second = 0;
  long offset = 0;  // seconds east of UTC
  bool naive_local = false;
};

std::optional<Iso> parse_iso8601(std::string_view s) {
  Iso t;
  if (!digits(s, 0, 4, t.year) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, t.month) ||
      s[7] != '-' || !digits(s, 8, 2, t.day))
    return std::nullopt;
  std::size_t pos = 10;
  bool has_time = pos < s.size() && (s[pos] == 'T' || s[pos] == ' ');
  // "2025-01-06 10:30:00" is Frappe's naive local time; "2025-01-06T10:30:00" without a zone
  // is RingCentral's UTC.
  t.naive_local = pos < s.size() && s[pos] == ' ';
  if (has_time) {
    if (!digits(s, 11, 2, t.hour) || s.size() < 16 || s[13] != ':' || !digits(s, 14, 2, t.minute))
      return std::nullopt;
    pos = 16;
    if (pos < s.size() && s[pos] == ':') {
      if (!digits(s, 17, 2, t.second)) return std::nullopt;
      pos = 19;
    }
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    }
  } else if (pos != s.size()) {
    return std::nullopt;
  }
  if (pos < s.size()) {
    if (s[pos] == 'Z' || s[pos] == 'z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int oh, om = 0;
      int sign = s[pos] == '-' ? -1 : 1;
      if (!digits(s, pos + 1, 2, oh)) return std::nullopt;
      pos += 3;
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (pos < s.size() && !digits(s, pos, 2, om)) return std::nullopt;
      if (pos < s.size()) pos += 2;
      t.offset = sign * (oh * 3600L + om * 60L);
    }
    t.naive_local = false;
  }
  if (pos != s.size() || t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 || t.hour > 23 ||
      t.minute > 59 || t.second > 60)
    return std::nullopt;
  return t;
}

std::tm fields_tm(const Iso& t) { return broken_down(t.year, t.month, t.day, t.hour, t.minute, t.second); }

}  // namespace

std::string local_from_iso8601(std::string_view s) {
  auto t = parse_iso8601(s);
  if (!t) return {};
  if (t->naive_local) return format_tm(fields_tm(*t));
  return frappe_local(as_utc(t->year, t->month, t->day, t->hour, t->minute, t->second) - t->offset);
}

std::optional<std::int64_t> unix_from_iso8601(std::string_view s) {
  auto t = parse_iso8601(s);
  if (!t) return std::nullopt;
  if (t->naive_local) {
    std::tm tm = fields_tm(*t);
    tm.tm_isdst = -1;
    return static_cast<std::int64_t>(std::mktime(&tm));
  }
  return as_utc(t->year, t->month, t->day, t->hour, t->minute, t->second) - t->offset;
}

std::string iso8601_utc(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace switchboard::dates

namespace switchboard {

std::optional<std::int64_t> parse_timestamp(std::string_view text) { return dates::unix_from_iso8601(text); }

std::string format_timestamp(std::int64_t unix_seconds) { return dates::iso8601_utc(unix_seconds); }

}  // namespace switchboard
