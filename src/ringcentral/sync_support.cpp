// Small shared pieces of the subscription, sync and job code: the settings document.
#include "ringcentral/ringcentral_internal.h"

namespace switchboard::rc {
namespace {
constexpr const char* kSettings = "CRM RingCentral Settings";
}  // namespace

void write_settings(Store& store, const Document& changes) {
  Transaction tx(store);
  if (store.exists(kSettings, kSettings)) {
    store.update(kSettings, kSettings, changes);
  } else {
    Document doc = changes;
    doc.set("name", Value(kSettings));
    store.insert(kSettings, doc);
  }
  tx.commit();
}

}  // namespace switchboard::rc
