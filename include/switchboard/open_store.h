// switchboard: open_store — one way to name a database in every program that takes one
// (`frontdesk --db`, FRONTDESK_DB, `call_webhook_server --db`, the Python module), and one way
// to put a store on a backend. Thread-safe (no shared state).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "switchboard/export.h"
#include "switchboard/schema.h"
#include "switchboard/store.h"
#include "switchboard/store_backend.h"

namespace switchboard {

/// Opens the store a database string names: `mariadb://…` or `mysql://…` (MariaDbStore, see
/// mariadb_store.h), `:memory:` (a private in-memory SQLite database), or else the path of an
/// SQLite file (created and migrated when missing). Throws what the backend's factory throws.
SWITCHBOARD_EXPORT std::unique_ptr<Store> open_store(const std::string& database);

/// A Store over `backend`, set up as every store the library opens is. A backend attached to a
/// Frappe site (frappe_site_schema) brings the site's doctypes and writes in the site's time
/// zone, and its records are never seeded; any other backend gets `schema` (the standard schema
/// when null) and, with `seed_defaults` (a database open for writing), Frappe's default records
/// that are missing. The store then holds the site facts stored in it (load_site_config); with
/// `seed_defaults`, stored phone keys computed by another key version or under other regions
/// are then recomputed once (refresh_phone_keys). A decorator (ForwardingBackend)
/// shares its inner store's schema (unless `schema` is given), time zone and site facts.
/// Throws ValidationError for a null backend, and what opening the backend throws.
SWITCHBOARD_EXPORT std::unique_ptr<Store> open_store(std::shared_ptr<StoreBackend> backend,
                                                     std::shared_ptr<const Schema> schema = nullptr,
                                                     bool seed_defaults = true);

/// The database string for messages and logs: a URL's password is replaced by "***".
SWITCHBOARD_EXPORT std::string describe_database(std::string_view database);

}  // namespace switchboard
