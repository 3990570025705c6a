// The first difference between two canonical store snapshots, for test failure messages.
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace test_support {

/// "" when two canonical snapshots are equal, else the first difference (for a failure message).
inline std::string snapshot_difference(const std::map<std::string, std::vector<std::string>>& a,
                                       const std::map<std::string, std::vector<std::string>>& b) {
  for (const auto& [doctype, rows] : a) {
    auto it = b.find(doctype);
    const std::vector<std::string> none;
    const auto& other = it == b.end() ? none : it->second;
    if (rows == other) continue;
    std::string out = doctype + ": " + std::to_string(rows.size()) + " vs " + std::to_string(other.size()) + " rows";
    for (std::size_t i = 0; i < std::max(rows.size(), other.size()); ++i) {
      std::string x = i < rows.size() ? rows[i] : "(none)", y = i < other.size() ? other[i] : "(none)";
      if (x != y) return out + "\n  " + x + "\n  " + y;
    }
    return out;
  }
  return a.size() == b.size() ? "" : "different doctypes";
}

}  // namespace test_support
