// SiteConfig <-> the "Switchboard Settings" document: one field per SiteConfig member, lists as
// one entry per line; the brands as one JSON array (field "brands", "" for none).
#include <optional>
#include <string>
#include <vector>

#include "core/site_json.h"
#include "model/stored_keys.h"
#include "switchboard/error.h"
#include "switchboard/model.h"
#include "switchboard/schema.h"

namespace switchboard {
namespace {

std::vector<std::string> lines_of(const Value& v) {
  std::vector<std::string> out;
  if (v.is_null()) return out;
  std::string text = v.to_text();
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.pop_back();
    std::size_t b = line.find_first_not_of(" \t");
    if (b != std::string::npos) out.push_back(line.substr(b));
    start = end + 1;
  }
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += '\n';
    out += item;
  }
  return out;
}

// Every list member of SiteConfig with its field name, for reading and writing alike.
template <typename Site, typename Fn>
void for_each_list(Site& site, Fn&& fn) {
  fn("fallback_regions", site.fallback_regions);
  fn("company_domains", site.company_domains);
  fn("internal_domains", site.internal_domains);
  fn("support_aliases", site.support_aliases);
  fn("sales_aliases", site.sales_aliases);
  fn("info_aliases", site.info_aliases);
  fn("open_ticket_statuses", site.open_ticket_statuses);
  fn("closed_ticket_statuses", site.closed_ticket_statuses);
  fn("closed_lead_statuses", site.closed_lead_statuses);
  fn("company_numbers", site.company_numbers);
}

// The SiteConfig a settings document holds (defaults when there is none).
SiteConfig site_from_settings(const std::optional<Document>& doc) {
  SiteConfig site;
  if (!doc) return site;
  if (!doc->get("region").is_empty()) site.region = doc->get("region").to_text();
  // An unset field keeps its default; a field set to "" is an empty list.
  for_each_list(site, [&](const char* field, std::vector<std::string>& list) {
    const Value& v = doc->get(field);
    if (!v.is_null()) list = lines_of(v);
  });
  if (!doc->get("brands").is_empty()) site.brands = site_detail::brands_from_json(doc->get("brands").to_text());
  site.validate();
  return site;
}

}  // namespace

namespace model_detail {

void write_settings(Store& store, Document changes, bool exists, bool update_modified) {
  if (exists) {
    store.update(kSiteSettingsDoctype, kSiteSettingsDoctype, changes, update_modified);
  } else {
    changes.set("name", Value(kSiteSettingsDoctype));
    store.insert(kSiteSettingsDoctype, std::move(changes));
  }
}

}  // namespace model_detail

SiteConfig load_site_config(Store& store) {
  if (!store.schema().find(kSiteSettingsDoctype)) return SiteConfig{};
  return site_from_settings(store.get(kSiteSettingsDoctype, kSiteSettingsDoctype));
}

void save_site_config(Store& store, const SiteConfig& site) {
  site.validate();
  store.schema().get(kSiteSettingsDoctype);  // NotFound when the schema lacks it
  Document doc{{"region", site.region}};
  for_each_list(site, [&](const char* field, const std::vector<std::string>& list) {
    doc.set(field, Value(joined(list)));
  });
  doc.set("brands", Value(site.brands.empty() ? std::string() : site_detail::brands_to_json(site.brands)));
  // Stored keys depend on how the site reads numbers: when that changes, or the settings do
  // not record that they were computed as `site` computes them, they are recomputed.
  auto reads_numbers_alike = [&](const SiteConfig& other) {
    return other.region == site.region && other.fallback_regions == site.fallback_regions;
  };
  const std::string signature = phone_keys_signature(site);
  const bool records_signature = model_detail::records_keys_signature(store);
  if (records_signature) doc.set(kPhoneKeysSignatureField, Value(signature));
  const std::shared_ptr<const SiteConfig> before = store.site();
  Transaction tx(store);
  const auto stored = store.get(kSiteSettingsDoctype, kSiteSettingsDoctype);
  bool rekey = !reads_numbers_alike(*before) ||
               (records_signature &&
                (stored ? stored->get(kPhoneKeysSignatureField).to_text() : "") != signature);
  try {
    rekey = rekey || !reads_numbers_alike(site_from_settings(stored));
  } catch (const ValidationError&) {
    rekey = true;  // invalid stored facts being replaced: keys written under them are suspect
  }
  model_detail::write_settings(store, std::move(doc), stored.has_value(), /*update_modified=*/true);
  store.set_site(site);  // the keys below are computed on it
  try {
    if (rekey) rekey_all_phone_keys(store);
    tx.commit();
  } catch (...) {
    store.set_site(*before);
    throw;
  }
}

}  // namespace switchboard
