// One production status over several Work Orders: ranked blockers, then progression.
#include <algorithm>

#include "core/text.h"
#include "switchboard/orders.h"

namespace switchboard {
namespace {

// Upper case, "_" and "-" read as spaces, whitespace collapsed: "blocked_ops " -> "BLOCKED OPS".
std::string status_key(std::string_view s) {
  std::string k = text::upper(s);
  std::replace(k.begin(), k.end(), '_', ' ');
  std::replace(k.begin(), k.end(), '-', ' ');
  return text::collapse_spaces(k);
}

struct Blocker {
  const char* key;
  const char* canonical;
  int rank;  // lower wins
};

constexpr Blocker kBlockers[] = {
    {"CANCELLED", "CANCELLED", 1},
    {"CANCELED", "CANCELLED", 1},
    {"BLOCKED FACTORY", "BLOCKED FACTORY", 2},
    {"BLOCKED OPS", "BLOCKED OPS", 3},
    {"QA REWORK", "QA REWORK", 4},
};

}  // namespace

std::string aggregate_production_status(const std::vector<std::optional<std::string>>& statuses) {
  std::vector<std::pair<std::string, std::string>> known;  // (as written, key)
  for (const auto& s : statuses) {
    if (!s) continue;
    std::string written = text::collapse_spaces(*s);
    if (written.empty()) continue;
    known.emplace_back(written, status_key(written));
  }
  if (known.empty()) return "N/A";

  const Blocker* best = nullptr;
  for (const auto& [written, key] : known)
    for (const auto& b : kBlockers)
      if (key == b.key && (!best || b.rank < best->rank)) best = &b;
  if (best) return best->canonical;

  auto any = [&](std::initializer_list<const char*> words) {
    return std::any_of(known.begin(), known.end(), [&](const auto& k) {
      return std::any_of(words.begin(), words.end(), [&](const char* w) { return k.second == w; });
    });
  };
  auto done = [](const std::string& key) { return key == "DONE" || key == "COMPLETED"; };
  bool all_done =
      std::all_of(known.begin(), known.end(), [&](const auto& k) { return done(k.second); });
  if (all_done) return "DONE";
  if (any({"NEW"})) return "NEW";
  if (any({"WIP", "IN PROGRESS"})) return "WIP";
  // Not everything is done, so a DONE would say too much: the first value still open.
  for (const auto& [written, key] : known)
    if (!done(key)) return written;
  return known.front().first;
}

}  // namespace switchboard
