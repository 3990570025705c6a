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

bool DomainSet::contains(std::string_view domain) const noexcept {
  for (const auto& d : domains_) {
    if (domain == d) return true;
    if (domain.size() > d.size() && domain.compare(domain.size() - d.size(), d.size(), d) == 0 &&
        domain[domain.size() - d.size() - 1] == '.')
      return true;
  }
  return false;
}

bool DomainSet::contains(const EmailAddress& address) const noexcept {
  return !address.empty() && contains(address.domain);
}

}  // namespace switchboard::email_detail
