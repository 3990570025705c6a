// Address normalization: one canonical form for every lookup (contact, lead, alias, blocklist).
// GLib does IDNA (g_hostname_to_ascii) so Unicode and "xn--" domains compare equal.
#include <glib.h>

#include <string>

#include "core/text.h"
#include "switchboard/email.h"

namespace switchboard {
namespace {

bool has_any(std::string_view s, std::string_view chars) noexcept {
  return s.find_first_of(chars) != std::string_view::npos;
}

// `s` without surrounding <>, quotes, "mailto:", trailing dots and stray brackets (a view into s).
std::string_view strip_wrappers(std::string_view s) {
  for (bool changed = true; changed && !s.empty();) {
    changed = false;
    s = text::trim_view(s);
    if (s.size() >= 2 && ((s.front() == '<' && s.back() == '>') || (s.front() == '"' && s.back() == '"') ||
                          (s.front() == '\'' && s.back() == '\''))) {
      s = s.substr(1, s.size() - 2);
      changed = true;
    }
    if (s.size() >= 7 && text::iequals(s.substr(0, 7), "mailto:")) {
      s = s.substr(7);
      changed = true;
    }
    while (!s.empty() && (s.back() == '.' || s.back() == '>' || s.back() == ' ')) {
      s.remove_suffix(1);
      changed = true;
    }
    while (!s.empty() && (s.front() == '<' || s.front() == ' ')) {
      s.remove_prefix(1);
      changed = true;
    }
  }
  return s;
}

std::string normalize_domain(std::string_view domain) {
  if (text::is_ascii(domain)) return text::lower_ascii(domain);
  std::string d = text::valid_utf8(domain);
  if (char* ascii = g_hostname_to_ascii(d.c_str())) {
    std::string out = text::lower_ascii(ascii);
    g_free(ascii);
    return out;
  }
  return text::casefold(d);
}

}  // namespace

EmailAddress parse_email_address(std::string_view raw, std::string_view plus_delimiter) {
  EmailAddress out;
  // NUL and other control characters never belong to an address: they go first (line breaks
  // and tabs stay, so an address split by one is still rejected below).
  std::string cleaned;
  std::string_view s = raw;
  if (!text::is_clean_field(raw, /*multiline=*/true)) s = cleaned = text::clean_field(raw, true);
  s = text::trim_view(s);
  // "Name <addr>": keep what the last pair of angle brackets holds.
  auto open = s.rfind('<');
  auto close = s.rfind('>');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open)
    s = s.substr(open + 1, close - open - 1);
  s = strip_wrappers(s);
  auto at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == s.size()) return out;
  std::string_view local = s.substr(0, at);
  std::string_view domain = s.substr(at + 1);
  if (local.size() >= 2 && local.front() == '"' && local.back() == '"' &&
      !has_any(local.substr(1, local.size() - 2), "\"\\ @"))
    local = local.substr(1, local.size() - 2);
  if (local.empty() || has_any(local, " \t\r\n<>,;@") || has_any(domain, " \t\r\n<>,;@\"()[]"))
    return out;
  if (domain.find('.') == 0 || domain.find("..") != std::string_view::npos) return out;
  out.domain = normalize_domain(domain);
  if (out.domain.empty()) return out;
  std::string lowered = text::is_ascii(local) ? text::lower_ascii(local) : std::string(local);
  auto tag = plus_delimiter.empty() ? std::string::npos : lowered.find(plus_delimiter);
  if (tag != std::string::npos && tag > 0) {
    out.local = lowered.substr(0, tag);
    out.tag = lowered.substr(tag + plus_delimiter.size());
  } else {
    out.local = lowered;
  }
  out.address.reserve(lowered.size() + 1 + out.domain.size());
  out.address += lowered;
  out.address += '@';
  out.address += out.domain;
  return out;
}

std::string normalize_email(std::string_view raw) { return parse_email_address(raw).address; }

}  // namespace switchboard
