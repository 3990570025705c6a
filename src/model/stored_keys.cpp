// Stored phone keys recomputed: a row at a time (recompute_derived), a whole doctype
// (rekey_phone_keys), and the whole store when the settings' signature says they are stale
// (refresh_phone_keys), as the store's site reads numbers now.
#include "model/stored_keys.h"

#include <algorithm>
#include <utility>

#include "switchboard/error.h"
#include "switchboard/log.h"
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

bool records_keys_signature(const Store& store) {
  const DocTypeDef* settings = store.schema().find(kSiteSettingsDoctype);
  return settings && settings->field(kPhoneKeysSignatureField);
}

}  // namespace model_detail

namespace {

// The signature the settings record (phone_keys_signature), "" when none is.
std::string stored_keys_signature(Store& store) {
  auto doc = store.get(kSiteSettingsDoctype, kSiteSettingsDoctype);
  return doc ? doc->get(kPhoneKeysSignatureField).to_text() : "";
}

// The key version a signature names ("v3 US" -> 3); 0 when it names none.
long signature_version(const std::string& signature) {
  if (signature.empty() || signature[0] != 'v') return 0;
  long version = 0;
  for (std::size_t i = 1; i < signature.size() && i < 10; ++i) {  // at most 9 digits
    if (signature[i] < '0' || signature[i] > '9') break;
    version = version * 10 + (signature[i] - '0');
  }
  return version;
}

}  // namespace

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

std::string phone_keys_signature(const SiteConfig& site) {
  std::string out = "v" + std::to_string(kPhoneKeyVersion) + " " + site.region;
  for (std::size_t i = 0; i < site.fallback_regions.size(); ++i)
    out += (i ? "," : " ") + site.fallback_regions[i];
  return out;
}

std::vector<RekeyReport> refresh_phone_keys(Store& store, const RekeyProgress& progress) {
  if (!model_detail::records_keys_signature(store)) return {};
  const std::string wanted = phone_keys_signature(*store.site());
  auto stale = [&](const std::string& stored) {
    if (stored == wanted) return false;
    if (signature_version(stored) > kPhoneKeyVersion) {
      log(LogLevel::kWarning, "phone",
          "the stored phone keys were computed by a newer version of switchboard ('" + stored +
              "'); this one computes '" + wanted + "' and leaves them as they are");
      return false;
    }
    return true;
  };
  if (!stale(stored_keys_signature(store))) return {};
  std::vector<RekeyReport> reports;
  in_retrying_transaction(store, [&] {
    reports.clear();
    const std::string stored = stored_keys_signature(store);
    if (!stale(stored)) return;  // another process brought them up to date first
    reports = rekey_all_phone_keys(store, progress);
    model_detail::write_settings(store, {{kPhoneKeysSignatureField, wanted}},
                                 store.exists(kSiteSettingsDoctype, kSiteSettingsDoctype),
                                 /*update_modified=*/false);
    std::int64_t scanned = 0, updated = 0;
    for (const auto& r : reports) {
      scanned += r.scanned;
      updated += r.updated;
    }
    if (scanned > 0)  // a new database has none: nothing to say
      log(LogLevel::kInfo, "phone",
          "stored phone keys computed as '" + (stored.empty() ? std::string("(unrecorded)") : stored) +
              "' recomputed as '" + wanted + "': " + std::to_string(updated) + " of " +
              std::to_string(scanned) + " rows rewritten");
  });
  return reports;
}

}  // namespace switchboard
