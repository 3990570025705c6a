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

}  // namespace

std::string local_datetime_from_iso(std::string_view s) {
  std::tm tm{};
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!digits(s, 0, 4, year) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, month) ||
      s[7] != '-' || !digits(s, 8, 2, day))
    return {};
  std::size_t pos = 10;
  bool has_time = pos < s.size() && (s[pos] == 'T' || s[pos] == ' ');
  // "2025-01-06 10:30:00" is Frappe's naive local time; "2025-01-06T10:30:00" without a zone
  // is RingCentral's UTC.
  bool naive_local = pos < s.size() && s[pos] == ' ';
  if (has_time) {
    if (!digits(s, 11, 2, hour) || s.size() < 16 || s[13] != ':' || !digits(s, 14, 2, minute))
      return {};
    pos = 16;
    if (pos < s.size() && s[pos] == ':') {
      if (!digits(s, 17, 2, second)) return {};
      pos = 19;
    }
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    }
  } else if (pos != s.size()) {
    return {};
  }
  long offset = 0;  // seconds east of UTC
  if (pos < s.size()) {
    if (s[pos] == 'Z' || s[pos] == 'z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int oh, om = 0;
      int sign = s[pos] == '-' ? -1 : 1;
      if (!digits(s, pos + 1, 2, oh)) return {};
      pos += 3;
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (pos < s.size() && !digits(s, pos, 2, om)) return {};
      if (pos < s.size()) pos += 2;
      offset = sign * (oh * 3600L + om * 60L);
    }
    naive_local = false;
  }
  if (pos != s.size() || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
      minute > 59 || second > 60)
    return {};
  char buf[64];
  if (naive_local) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", year, month, day, hour,
                  minute, second);
    return buf;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::time_t utc = timegm(&tm) - offset;
  std::tm local{};
  localtime_r(&utc, &local);
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", local.tm_year + 1900,
                local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec);
  return buf;
}

}  // namespace switchboard
