// The phone keys stored beside every phone field switchboard matches on, and their
// derivation: the Store recomputes them on each insert and update (DocTypeDef::derived).
#include <utility>

#include "phone_internal.h"
#include "switchboard/phone.h"
#include "switchboard/schema.h"
#include "switchboard/site.h"

namespace switchboard {
namespace {

PhoneKeyField keyed(const char* source) {
  std::string s(source);
  return PhoneKeyField{s, "custom_" + s + "_key", "custom_" + s + "_ext"};
}

const std::vector<std::pair<std::string, std::vector<PhoneKeyField>>>& key_table() {
  static const std::vector<std::pair<std::string, std::vector<PhoneKeyField>>> kTable = {
      {"CRM Lead", {keyed("mobile_no"), keyed("phone")}},
      {"CRM Deal", {keyed("mobile_no"), keyed("phone")}},
      {"Contact Phone", {keyed("phone")}},
      {"HD Ticket", {keyed("contact_mobile")}},
      {"CRM Call Log", {keyed("from"), keyed("to")}},
      {"Helpdesk Call Log", {keyed("from_number"), keyed("to_number")}},
  };
  return kTable;
}

// Sets every key and extension field from the phone fields, in the store's site region.
void compute_keys(const std::vector<PhoneKeyField>& fields, const std::string& region,
                  const Document& sources, Document& out) {
  phone_detail::KeyParts parts;
  for (const auto& f : fields) {
    const Value& raw = sources.get(f.source);
    if (raw.is_empty()) continue;
    bool found = raw.is_text() ? phone_detail::key_parts(raw.as_text(), region, parts)
                               : phone_detail::key_parts(raw.to_text(), region, parts);
    if (!found) continue;
    out.set(f.key, Value(parts.e164));
    if (!parts.extension.empty()) out.set(f.extension, Value(parts.extension));
  }
  out.set(kPhoneKeyVersionField, Value(kPhoneKeyVersion));
}

}  // namespace

const std::vector<PhoneKeyField>& phone_key_fields(std::string_view doctype) {
  static const std::vector<PhoneKeyField> kNone;
  for (const auto& [name, fields] : key_table())
    if (name == doctype) return fields;
  return kNone;
}

const std::vector<std::string>& keyed_doctypes() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> out;
    for (const auto& entry : key_table()) out.push_back(entry.first);
    return out;
  }();
  return kNames;
}

namespace phone_detail {

void add_phone_key_schema(Schema& schema) {
  for (const auto& [doctype, fields] : key_table()) {
    // Records are looked up by key, newest first (duplicate searches, callers, "calls from
    // this number"): one (key, creation) index answers both.
    DerivedFields derived;
    for (const auto& f : fields) {
      FieldDef key;
      key.name = f.key;
      schema.add_field(doctype, key);
      schema.add_index(doctype, {f.key, "creation"});
      FieldDef ext;
      ext.name = f.extension;
      schema.add_field(doctype, ext);
      derived.sources.push_back(f.source);
      derived.targets.push_back(f.key);
      derived.targets.push_back(f.extension);
    }
    FieldDef version;
    version.name = kPhoneKeyVersionField;
    version.type = FieldType::kInt;
    schema.add_field(doctype, version);
    derived.targets.push_back(kPhoneKeyVersionField);
    derived.compute = [fields = fields](const SiteConfig& site, const Document& sources,
                                        Document& out) {
      compute_keys(fields, site.region, sources, out);
    };
    schema.add_derived(doctype, std::move(derived));
  }
}

}  // namespace phone_detail
}  // namespace switchboard
