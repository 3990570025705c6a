// open_store: the one way a backend becomes a store (own database or attached Frappe site), the
// stores on MariaDB, and the one dispatch from a database string to a store.
#include "switchboard/open_store.h"

#include "switchboard/mariadb_store.h"
#include "switchboard/error.h"
#include "switchboard/model.h"
#include "switchboard/sqlite_store.h"
#include "switchboard/store.h"

namespace switchboard {

std::unique_ptr<Store> open_store(std::shared_ptr<StoreBackend> backend,
                                  std::shared_ptr<const Schema> schema, bool seed_defaults) {
  if (!backend) throw ValidationError("a Store needs a backend", ErrorCode::kInvalidArgument);
  if (auto* forwarding = dynamic_cast<ForwardingBackend*>(backend.get())) {
    // The inner store already holds the zone and the site facts the decorator forwards to.
    if (!schema) schema = forwarding->inner().schema_ptr();
    auto store = std::make_unique<Store>(std::move(backend), std::move(schema));
    if (seed_defaults) seed_standard_records(*store);
    return store;
  }
  if (!schema) schema = Schema::standard();
  std::unique_ptr<Store> store;
  if (auto site = frappe_site_schema(*backend, *schema)) {  // attached: the site's own records
    const std::string zone = frappe_site_time_zone(*backend);
    store = std::make_unique<Store>(std::move(backend), std::move(site));
    store->set_time_zone(zone);
    store->set_site(load_site_config(*store));
    return store;
  }
  store = std::make_unique<Store>(std::move(backend), std::move(schema));
  if (seed_defaults) seed_standard_records(*store);
  store->set_site(load_site_config(*store));
  // Its own database, open for writing: stored phone keys another version or other regions
  // computed are brought up to date once (a no-op read of the settings when they are current).
  if (seed_defaults) refresh_phone_keys(*store);
  return store;
}

std::unique_ptr<Store> make_mariadb_store(const std::string& url, MariaDbOptions options) {
  auto schema = options.schema;
  return open_store(make_mariadb_backend(url, std::move(options)), std::move(schema));
}

std::unique_ptr<Store> open_store(const std::string& database) {
  if (is_mariadb_url(database)) return make_mariadb_store(database);
  return make_sqlite_store(database);
}

std::string describe_database(std::string_view database) {
  return is_mariadb_url(database) ? redact_database_url(database) : std::string(database);
}

}  // namespace switchboard
