// The merge reports: totals and equality (a dry run must equal the real run).
#include "switchboard/merge.h"

namespace switchboard {

std::int64_t MergeStep::rows_moved() const {
  std::int64_t n = 0;
  for (const auto& [what, rows] : moved) n += static_cast<std::int64_t>(rows.size());
  return n;
}

bool operator==(const MergeStep& a, const MergeStep& b) {
  return a.source == b.source && a.keys == b.keys && a.moved == b.moved &&
         a.removed == b.removed && a.filled == b.filled;
}

bool operator==(const SharedNumber& a, const SharedNumber& b) {
  return a.key == b.key && a.count == b.count && a.names == b.names && a.reason == b.reason;
}

std::vector<std::string> MergeReport::sources() const {
  std::vector<std::string> out;
  out.reserve(steps.size());
  for (const auto& s : steps) out.push_back(s.source);
  return out;
}

std::int64_t MergeReport::rows_moved() const {
  std::int64_t n = 0;
  for (const auto& s : steps) n += s.rows_moved();
  return n;
}

bool operator==(const MergeReport& a, const MergeReport& b) {
  return a.doctype == b.doctype && a.target == b.target && a.steps == b.steps &&
         a.shared == b.shared && a.skipped == b.skipped &&
         a.survivor_reason == b.survivor_reason && a.keys_refreshed == b.keys_refreshed &&
         a.dry_run == b.dry_run;
}

std::int64_t BulkMergeReport::records_merged() const {
  std::int64_t n = 0;
  for (const auto& m : merges) n += static_cast<std::int64_t>(m.steps.size());
  return n;
}

std::int64_t BulkMergeReport::rows_moved() const {
  std::int64_t n = 0;
  for (const auto& m : merges) n += m.rows_moved();
  return n;
}

bool operator==(const BulkMergeReport& a, const BulkMergeReport& b) {
  return a.doctype == b.doctype && a.dry_run == b.dry_run && a.scanned == b.scanned &&
         a.merges == b.merges && a.shared == b.shared;
}

}  // namespace switchboard
