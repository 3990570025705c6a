// The standard site: Frappe's doctypes from the model with every area's fields, and the stores
// that open their own database with it.
#include "jobs/jobs_schema.h"
#include "merge/merge_schema.h"
#include "model/model_schema.h"
#include "phone/phone_internal.h"
#include "switchboard/memory_store.h"
#include "switchboard/open_store.h"
#include "switchboard/schema.h"
#include "switchboard/sqlite_store.h"
#include "ringcentral/ringcentral_schema.h"
#include "routing/routing_schema.h"
#include "telephony/telephony_schema.h"

namespace switchboard {
namespace {

Schema build_standard() {
  Schema s = frappe_schema();
  phone_detail::add_phone_key_schema(s);  // stored phone keys on every phone field
  add_merge_schema(s);
  add_routing_schema(s);
  add_telephony_schema(s);
  add_ringcentral_schema(s);
  add_jobs_schema(s);
  return s;
}

}  // namespace

std::shared_ptr<const Schema> Schema::standard() {
  static const std::shared_ptr<const Schema> kStandard =
      std::make_shared<const Schema>(build_standard());
  return kStandard;
}

std::unique_ptr<Store> make_memory_store(std::shared_ptr<const Schema> schema) {
  return open_store(make_memory_backend(), std::move(schema));
}

std::unique_ptr<Store> make_sqlite_store(const SqliteOptions& options) {
  // Read-only: nothing is seeded (that was done when the file was created).
  return open_store(make_sqlite_backend(options), options.schema, !options.read_only);
}

std::unique_ptr<Store> make_sqlite_store(const std::string& path) {
  SqliteOptions options;
  options.path = path;
  return make_sqlite_store(options);
}

}  // namespace switchboard
