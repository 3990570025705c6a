// Internal text helpers (see text.h): GLib for Unicode case, GMime for address lists.
#include "conversations/text.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <tuple>

#include "email/email_internal.h"

namespace switchboard::text {
namespace {

void init_gmime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

void collect(InternetAddressList* list, std::vector<std::string>& out) {
  if (!list) return;
  int n = internet_address_list_length(list);
  for (int i = 0; i < n; ++i) {
    InternetAddress* a = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
      const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
      std::string s = lower(trim(addr ? addr : ""));
      if (s.find('@') != std::string::npos) out.push_back(std::move(s));
    } else if (INTERNET_ADDRESS_IS_GROUP(a)) {
      collect(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)), out);
    }
  }
}

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


std::vector<std::string> addresses(std::string_view list) {
  std::vector<std::string> out;
  std::string copy = trim(list);
  if (copy.empty()) return out;
  init_gmime();
  InternetAddressList* parsed = internet_address_list_parse(nullptr, copy.c_str());
  if (parsed) {
    collect(parsed, out);
    g_object_unref(parsed);
  }
  return out;
}

bool in_domains(std::string_view email, const std::vector<std::string>& domains) {
  std::size_t at = email.rfind('@');
  if (at == std::string_view::npos) return false;
  std::string domain = lower(trim(email.substr(at + 1)));
  for (const auto& d : domains) {
    std::string want = lower(trim(d));
    if (!want.empty() && want.front() == '@') want.erase(0, 1);
    if (want.empty()) continue;
    if (domain == want) return true;
    std::size_t cut = domain.size() > want.size() ? domain.size() - want.size() : 0;
    if (cut > 0 && domain[cut - 1] == '.' && domain.compare(cut, want.size(), want) == 0)
      return true;
  }
  return false;
}

std::string local_part(std::string_view email) {
  std::size_t at = email.find('@');
  return at == std::string_view::npos ? std::string() : trim(email.substr(0, at));
}

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

namespace switchboard::text {

std::string like_candidates(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += (c == '%' || c == '_' || c == '\\') ? '_' : static_cast<char>(c);
      ++i;
      continue;
    }
    out += '_';
    i += std::min(utf8_sequence_length(c), s.size() - i);
  }
  return out;
}

}  // namespace switchboard::text
