// switchboard: open_store — one way to name a database in every program that takes one
// (`frontdesk --db`, FRONTDESK_DB, `call_webhook_server --db`, the Python module).
// Thread-safe (no shared state).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "switchboard/export.h"
#include "switchboard/store.h"

namespace switchboard {

/// Opens the store a database string names: `mariadb://…` or `mysql://…` (MariaDbStore, see
/// mariadb_store.h), `:memory:` (a private in-memory SQLite database), or else the path of an
/// SQLite file (created and migrated when missing). Throws what the backend's factory throws.
SWITCHBOARD_EXPORT std::unique_ptr<Store> open_store(const std::string& database);

/// The database string for messages and logs: a URL's password is replaced by "***".
SWITCHBOARD_EXPORT std::string describe_database(std::string_view database);

}  // namespace switchboard
