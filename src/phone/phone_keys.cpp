// The derivation of the phone keys stored beside every phone field switchboard matches on
// (the fields: src/model/phone_fields.cpp): the Store recomputes them on each insert and
// update (DocTypeDef::derived), keyed on its site.
#include <utility>

#include "phone_internal.h"
#include "switchboard/phone.h"
#include "switchboard/schema.h"
#include "switchboard/site.h"

namespace switchboard {
namespace {

// Sets every key and extension field from the phone fields, as keyed on the store's site.
void compute_keys(const std::vector<PhoneKeyField>& fields, const SiteConfig& site,
                  const Document& sources, Document& out) {
  phone_detail::KeyParts parts;
  for (const auto& f : fields) {
    const Value& raw = sources.get(f.source);
    if (raw.is_empty()) continue;
    bool found = raw.is_text() ? phone_detail::site_key_parts(raw.as_text(), site, parts)
                               : phone_detail::site_key_parts(raw.to_text(), site, parts);
    if (!found) continue;
    out.set(f.key, Value(parts.e164));
    if (!parts.extension.empty()) out.set(f.extension, Value(parts.extension));
  }
  out.set(kPhoneKeyVersionField, Value(kPhoneKeyVersion));
}

}  // namespace

namespace phone_detail {

void add_phone_key_schema(Schema& schema) {
  for (const auto& doctype : keyed_doctypes()) {
    const std::vector<PhoneKeyField>& fields = phone_key_fields(doctype);
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
      compute_keys(fields, site, sources, out);
    };
    schema.add_derived(doctype, std::move(derived));
  }
}

}  // namespace phone_detail
}  // namespace switchboard
