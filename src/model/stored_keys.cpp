// Stored phone keys recomputed: a row at a time (recompute_derived) and a whole doctype
// (rekey_phone_keys), as the store's site reads numbers now.
#include "model/stored_keys.h"

#include <algorithm>
#include <utility>

#include "switchboard/error.h"
#include "switchboard/model.h"
#include "switchboard/phone_fields.h"

namespace switchboard {
namespace model_detail {

Document recompute_derived(const SiteConfig& site, const DocTypeDef& def, const Document& doc,
                           bool& stale) {
  Document out;
  stale = false;
  for (const auto& d : def.derived) {
    Document sources, computed;
    for (const auto& f : d.sources) sources.set(f, doc.get(f));
    d.compute(site, sources, computed);
    for (const auto& t : d.targets) {
      Value v = computed.get(t);
      if (doc.get(t) != v) stale = true;
      out.set(t, std::move(v));
    }
  }
  return out;
}

Document derived_sources(const DocTypeDef& def, const Document& doc) {
  Document out;
  for (const auto& d : def.derived)
    for (const auto& f : d.sources) out.set(f, doc.get(f));
  return out;
}

}  // namespace model_detail

RekeyReport rekey_phone_keys(Store& store, std::string_view doctype, const RekeyProgress& progress) {
  if (phone_key_fields(doctype).empty())
    throw ValidationError("'" + std::string(doctype) + "' has no stored phone keys",
                          ErrorCode::kInvalidArgument);
  const DocTypeDef& def = store.schema().get(doctype);
  RekeyReport report;
  report.doctype = def.name;
  std::vector<std::string> fields = {"name"};
  for (const auto& d : def.derived) {
    fields.insert(fields.end(), d.sources.begin(), d.sources.end());
    fields.insert(fields.end(), d.targets.begin(), d.targets.end());
  }
  const std::int64_t total = store.count(doctype);
  auto site = store.site();
  model_detail::scan_by_name(store, doctype, {}, fields, [&](std::vector<Document>& page) {
    std::vector<std::pair<std::string, Document>> updates;
    for (const auto& row : page) {
      bool stale = false;
      model_detail::recompute_derived(*site, def, row, stale);
      if (stale) updates.emplace_back(row.text("name"), model_detail::derived_sources(def, row));
    }
    if (!updates.empty()) {  // one transaction per page read
      in_transaction(store, [&] {
        for (const auto& [name, sources] : updates)
          store.update(doctype, name, sources, /*update_modified=*/false);
      });
    }
    report.scanned += static_cast<std::int64_t>(page.size());
    report.updated += static_cast<std::int64_t>(updates.size());
    if (progress) progress(report.scanned, std::max(total, report.scanned));
  });
  return report;
}

std::vector<RekeyReport> rekey_all_phone_keys(Store& store, const RekeyProgress& progress) {
  std::vector<RekeyReport> reports;
  for (const auto& doctype : keyed_doctypes())
    if (store.schema().find(doctype)) reports.push_back(rekey_phone_keys(store, doctype, progress));
  return reports;
}

}  // namespace switchboard
