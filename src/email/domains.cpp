// DomainSet: domains normalized once, matched with their subdomains.
#include "email/domains.h"

#include <algorithm>

#include "email/email_internal.h"

namespace switchboard::email_detail {

DomainSet::DomainSet(const std::vector<std::string>& domains) {
  for (const auto& d : domains) {
    std::string t = trim(d);
    if (!t.empty() && t.front() == '@') t.erase(0, 1);
    if (t.empty()) continue;
    EmailAddress a = parse_email_address("x@" + t, "");
    if (!a.empty() && std::find(domains_.begin(), domains_.end(), a.domain) == domains_.end())
      domains_.push_back(a.domain);
  }
}

bool same_organisation(std::string_view a, std::string_view b) noexcept {
  if (text::domain_within(a, b) || text::domain_within(b, a)) return true;
  // The parents of two subdomains (a domain of three labels or more loses its first).
  auto parent = [](std::string_view d) -> std::string_view {
    std::size_t dot = d.find('.');
    if (dot == std::string_view::npos || d.find('.', dot + 1) == std::string_view::npos) return {};
    return d.substr(dot + 1);
  };
  std::string_view pa = parent(a), pb = parent(b);
  return !pa.empty() && pa == pb;
}

bool DomainSet::contains(std::string_view domain) const noexcept {
  for (const auto& d : domains_)
    if (text::domain_within(domain, d)) return true;
  return false;
}

bool DomainSet::contains(const EmailAddress& address) const noexcept {
  return !address.empty() && contains(address.domain);
}

}  // namespace switchboard::email_detail
