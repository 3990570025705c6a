// The stores on MariaDB, and open_store: the one dispatch from a database string to a store.
#include "switchboard/open_store.h"

#include "switchboard/mariadb_store.h"
#include "switchboard/model.h"
#include "switchboard/sqlite_store.h"
#include "switchboard/store.h"

namespace switchboard {

std::unique_ptr<Store> make_mariadb_store(const std::string& url, MariaDbOptions options) {
  auto backend = make_mariadb_backend(url, options);
  const std::shared_ptr<const Schema> wanted = options.schema ? options.schema : Schema::standard();
  if (auto site = frappe_site_schema(*backend, *wanted)) {  // attached: the site's own records
    const std::string zone = frappe_site_time_zone(*backend);
    auto store = std::make_unique<Store>(std::move(backend), std::move(site));
    store->set_time_zone(zone);
    store->set_site(load_site_config(*store));
    return store;
  }
  auto store = std::make_unique<Store>(std::move(backend), wanted);
  seed_standard_records(*store);
  store->set_site(load_site_config(*store));
  return store;
}

std::unique_ptr<Store> open_store(const std::string& database) {
  if (is_mariadb_url(database)) return make_mariadb_store(database);
  return make_sqlite_store(database);
}

std::string describe_database(std::string_view database) {
  return is_mariadb_url(database) ? redact_database_url(database) : std::string(database);
}

}  // namespace switchboard
