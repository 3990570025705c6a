#include "telephony/time_text.h"

#include <cstdio>
#include <ctime>

namespace switchboard {
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

// The fields of an ISO 8601 time; `naive_local` for Frappe's "YYYY-MM-DD HH:MM:SS" form.
struct Parsed {
  std::tm tm{};
  long offset = 0;  // seconds east of UTC
  bool naive_local = false;
};

std::optional<Parsed> parse(std::string_view s) {
  Parsed p;
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!digits(s, 0, 4, year) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, month) ||
      s[7] != '-' || !digits(s, 8, 2, day))
    return std::nullopt;
  std::size_t pos = 10;
  bool has_time = pos < s.size() && (s[pos] == 'T' || s[pos] == ' ');
  // "2025-01-06 10:30:00" is Frappe's naive local time; "2025-01-06T10:30:00" without a zone
  // is RingCentral's UTC.
  p.naive_local = pos < s.size() && s[pos] == ' ';
  if (has_time) {
    if (!digits(s, 11, 2, hour) || s.size() < 16 || s[13] != ':' || !digits(s, 14, 2, minute))
      return std::nullopt;
    pos = 16;
    if (pos < s.size() && s[pos] == ':') {
      if (!digits(s, 17, 2, second)) return std::nullopt;
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
      p.offset = sign * (oh * 3600L + om * 60L);
    }
    p.naive_local = false;
  }
  if (pos != s.size() || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
      minute > 59 || second > 60)
    return std::nullopt;
  p.tm.tm_year = year - 1900;
  p.tm.tm_mon = month - 1;
  p.tm.tm_mday = day;
  p.tm.tm_hour = hour;
  p.tm.tm_min = minute;
  p.tm.tm_sec = second;
  return p;
}

}  // namespace

std::string local_datetime_from_iso(std::string_view s) {
  auto p = parse(s);
  if (!p) return {};
  char buf[64];
  std::tm local = p->tm;
  if (!p->naive_local) {
    std::time_t utc = timegm(&p->tm) - p->offset;
    localtime_r(&utc, &local);
  }
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", local.tm_year + 1900,
                local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec);
  return buf;
}

std::optional<std::int64_t> unix_from_iso(std::string_view s) {
  auto p = parse(s);
  if (!p) return std::nullopt;
  if (p->naive_local) {
    p->tm.tm_isdst = -1;
    return static_cast<std::int64_t>(std::mktime(&p->tm));
  }
  return static_cast<std::int64_t>(timegm(&p->tm)) - p->offset;
}

std::string iso_from_unix(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace switchboard
