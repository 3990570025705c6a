// Internal text helpers (see text.h).
#include "conversations/text.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <tuple>

namespace switchboard::text {
namespace {

// (seconds since the epoch as if UTC, microseconds) of "YYYY-MM-DD HH:MM:SS[.f{1,6}]".
std::optional<std::pair<std::time_t, long>> parse_datetime(std::string_view s) {
  std::string t = trim(s);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, consumed = 0;
  int fields =
      std::sscanf(t.c_str(), "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &consumed);
  if (fields != 6) return std::nullopt;
  long micro = 0;
  std::size_t pos = static_cast<std::size_t>(consumed);
  if (pos < t.size()) {
    if (t[pos] != '.') return std::nullopt;
    int digits = 0;
    for (++pos; pos < t.size(); ++pos, ++digits) {
      if (t[pos] < '0' || t[pos] > '9' || digits >= 6) return std::nullopt;
      micro = micro * 10 + (t[pos] - '0');
    }
    for (; digits < 6; ++digits) micro *= 10;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return std::make_pair(timegm(&tm), micro);
}

}  // namespace


std::optional<std::string> datetime_after(std::string_view floor) {
  auto parsed = parse_datetime(floor);
  if (!parsed) return std::nullopt;
  auto [seconds, micro] = *parsed;
  if (++micro == 1000000) {
    micro = 0;
    ++seconds;
  }
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06ld", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micro);
  return std::string(buf);
}

int compare_datetimes(std::string_view a, std::string_view b) {
  auto pa = parse_datetime(a), pb = parse_datetime(b);
  if (pa && pb) return *pa < *pb ? -1 : *pb < *pa ? 1 : 0;
  return a.compare(b) < 0 ? -1 : a.compare(b) > 0 ? 1 : 0;
}

}  // namespace switchboard::text
