// Internal: the one domain matcher — is an address at one of a list of mail domains, or at a
// subdomain of one? Routing asks it for internal senders, conversations for staff addresses.
// Thread-safe: immutable after construction.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "switchboard/email.h"

namespace switchboard::email_detail {

/// Mail domains, normalized as parse_email_address normalizes domains (lower case, IDNA for
/// Unicode); "@example.com" is read as "example.com"; blank entries are ignored.
class DomainSet {
 public:
  DomainSet() = default;
  explicit DomainSet(const std::vector<std::string>& domains);

  /// Whether `domain` (normalized) is one of the domains or a subdomain of one.
  bool contains(std::string_view domain) const noexcept;
  /// Whether the address's domain is; false for an empty address.
  bool contains(const EmailAddress& address) const noexcept;
  bool empty() const noexcept { return domains_.empty(); }
  const std::vector<std::string>& domains() const noexcept { return domains_; }

 private:
  std::vector<std::string> domains_;
};

/// Whether two normalized domains look like one organisation's: one is the other or a
/// subdomain of it, or both are subdomains of the same parent (notify.shop.com and
/// help.shop.com). Without a public-suffix list, two domains under a shared suffix such as
/// co.uk count as one organisation only when one contains the other.
bool same_organisation(std::string_view a, std::string_view b) noexcept;

}  // namespace switchboard::email_detail
