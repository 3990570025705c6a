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
  std::string reached = current;  // the last record read: a dangling pointer stays there
  for (int hop = 0; hop <= 64; ++hop) {
    auto rows = store.find(doctype, Query{Filter("name", Value(current))}.select({std::string(field)}));
    if (rows.empty()) return reached;
    reached = current;
    if (hop == 64) return current;
    std::string next = rows.front().text(field);
    if (next.empty() || !seen.insert(next).second) return current;
    current = std::move(next);
  }
  return current;
}

}  // namespace switchboard
