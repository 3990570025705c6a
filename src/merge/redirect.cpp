#include <set>

#include "switchboard/merge.h"

namespace switchboard {

std::string_view merge_pointer_field(std::string_view doctype) noexcept {
  if (doctype == "HD Ticket") return "merged_with";
  if (doctype == "CRM Lead") return "custom_merged_into";
  return {};
}

std::string resolve_survivor(Store& store, std::string_view doctype, std::string_view name) {
  std::string current(name);
  std::string_view field = merge_pointer_field(doctype);
  if (field.empty()) return current;
  std::set<std::string> seen{current};
  for (int hop = 0; hop < 64; ++hop) {
    Query q{Filter("name", Value(current))};
    auto rows = store.find(doctype, q.select({std::string(field)}));
    if (rows.empty()) return current;
    std::string next = rows.front().text(field);
    if (next.empty() || next == current || !seen.insert(next).second) return current;
    if (!store.exists(doctype, next)) return current;  // dangling pointer: stay put
    current = std::move(next);
  }
  return current;
}

}  // namespace switchboard
