// Stored derived fields (the phone keys) read back and recomputed: a paged scan of a table,
// and a row's derived values recomputed from its sources on the store's site.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/schema.h"
#include "switchboard/site.h"
#include "switchboard/store.h"

namespace switchboard::model_detail {

inline constexpr std::int64_t kScanPage = 20000;  // rows read per query while scanning a table

/// Every row of `doctype` matching `filters`, `fields` only, in pages ordered by name:
/// on_page(std::vector<Document>&) once per page of at most kScanPage rows.
template <typename Fn>
void scan_by_name(Store& store, std::string_view doctype, const Filters& filters,
                  const std::vector<std::string>& fields, Fn&& on_page) {
  std::string last;
  bool first = true;
  for (;;) {
    Query q(filters);
    if (!first) q.where(Filter("name", Op::kGt, Value(last)));
    q.select(fields).order("name asc").take(kScanPage);
    auto rows = store.find(doctype, q);
    if (rows.empty()) return;
    first = false;
    last = rows.back().text("name");
    const bool more = static_cast<std::int64_t>(rows.size()) == kScanPage;
    on_page(rows);
    if (!more) return;
  }
}

/// Values of a doctype's derived fields recomputed from `doc`'s sources; `stale` tells
/// whether they differ from the stored ones.
Document recompute_derived(const SiteConfig& site, const DocTypeDef& def, const Document& doc,
                           bool& stale);
/// The source fields of a doctype's derived fields, with their values in `doc`.
Document derived_sources(const DocTypeDef& def, const Document& doc);

/// Whether the store's settings doctype has a field for the keys' signature.
bool records_keys_signature(const Store& store);
/// Writes `changes` to the settings single (inserted when it does not `exist` yet).
void write_settings(Store& store, Document changes, bool exists, bool update_modified);

}  // namespace switchboard::model_detail
