// Internal text helpers (see text.h): GMime for address lists.
#include "conversations/text.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <mutex>
#include <tuple>

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
