// The customer's address among a conversation's: the first one outside the internal domains.
#include "email/domains.h"
#include "switchboard/conversations.h"
#include "switchboard/email.h"

namespace switchboard {

std::string extract_customer_email(const std::vector<std::string>& candidates,
                                   const std::vector<std::string>& internal_domains) {
  const email_detail::DomainSet internal(internal_domains);
  for (const auto& candidate : candidates)
    for (const auto& box : parse_address_list(candidate)) {
      EmailAddress address = parse_email_address(box.address, "");
      if (!address.empty() && !internal.contains(address)) return address.address;
    }
  return {};
}

}  // namespace switchboard
