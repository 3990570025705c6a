// open_store: the one dispatch from a database string to a store backend.
#include "switchboard/open_store.h"

#include "switchboard/mariadb_store.h"
#include "switchboard/sqlite_store.h"
#include "switchboard/store.h"

namespace switchboard {

std::unique_ptr<Store> open_store(const std::string& database) {
  if (is_mariadb_url(database)) return make_mariadb_store(database);
  return make_sqlite_store(database);
}

std::string describe_database(std::string_view database) {
  return is_mariadb_url(database) ? redact_database_url(database) : std::string(database);
}

}  // namespace switchboard
