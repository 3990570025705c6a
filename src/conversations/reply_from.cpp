// The address an agent's reply on a ticket or lead goes out from: the alias its customer
// wrote to (custom_reply_email_alias, else the routing alias of the newest received mail),
// else the brand's default, else the site's.
#include <string>
#include <unordered_set>
#include <vector>

#include "conversations/copy.h"
#include "model/directory.h"
#include "switchboard/conversations.h"
#include "switchboard/email.h"

namespace switchboard {
namespace {

std::string base_of(const std::string& address) { return parse_email_address(address, "+").base(); }

// The default of `doctype` among support, sales and info aliases: tickets answer from
// support, leads from sales, then info; either falls back to the other lists.
std::string default_of(const std::vector<std::string>& support, const std::vector<std::string>& sales,
                       const std::vector<std::string>& info, bool ticket) {
  std::vector<const std::vector<std::string>*> order =
      ticket ? std::vector<const std::vector<std::string>*>{&support, &sales, &info}
             : std::vector<const std::vector<std::string>*>{&sales, &info, &support};
  for (const auto* list : order)
    if (!list->empty()) return base_of(list->front());
  return {};
}

std::string brand_default(const Brand& b, bool ticket) {
  if (!b.reply_from.empty()) return b.reply_from;
  return default_of(b.support_aliases, b.sales_aliases, b.info_aliases, ticket);
}

}  // namespace

std::string reply_from_address(Store& store, std::string_view doctype, std::string_view name) {
  const bool ticket = doctype == model::kTicket;
  if (!ticket && doctype != model::kLead)
    throw ValidationError("reply_from_address answers for HD Ticket and CRM Lead, not '" +
                          std::string(doctype) + "'");
  const Document record = conversations::require(store, doctype, name);
  const std::string stored = record.text(model::kReplyAliasField);
  if (!stored.empty()) return stored;
  auto site = store.site();
  std::unordered_set<std::string> aliases;  // base addresses
  for (const auto& list : {site->all_support_aliases(), site->all_sales_aliases(), site->all_info_aliases()})
    for (const auto& a : list) aliases.insert(base_of(a));
  // What the customer last wrote to: a routing alias, else an address of a brand's domain.
  const Brand* brand = nullptr;
  auto received = store.find("Communication", Query{Filter("reference_doctype", Value(doctype)),
                                                    Filter("reference_name", Value(name)),
                                                    Filter("sent_or_received", "Received")}
                                                  .select({"recipients", "cc"})
                                                  .order("creation desc, name desc")
                                                  .take(20));
  for (const auto& row : received) {
    for (const char* field : {"recipients", "cc"})
      for (const auto& box : parse_address_list(row.text(field))) {
        std::string base = base_of(box.address);
        if (base.empty()) continue;
        if (aliases.count(base) > 0) return base;
        if (!brand) brand = site->brand_of(base);
      }
  }
  if (brand) return brand_default(*brand, ticket);
  std::string flat = default_of(site->support_aliases, site->sales_aliases, site->info_aliases, ticket);
  if (!flat.empty()) return flat;
  for (const auto& b : site->brands)
    if (auto d = brand_default(b, ticket); !d.empty()) return d;
  return {};
}

}  // namespace switchboard
