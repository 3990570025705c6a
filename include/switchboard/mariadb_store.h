// switchboard: MariaDbStore — Frappe's tables on a MariaDB server, for services that outgrow
// one SQLite file, and for working directly on a Frappe site's own database.
//
// Two modes. Its own database: `tab<DocType>` tables in Frappe's layout (standard columns,
// child tables with parent/parenttype/parentfield, utf8mb4 / utf8mb4_unicode_ci) are created
// and migrated when the store opens. Attached to a Frappe site (`?frappe=1`): doctypes and
// custom fields are read from Frappe's meta tables, no table is created or altered, and what
// the store writes is a document Frappe loads and saves (Frappe's naming series in tabSeries,
// autoincrement sequences, hash names).
//
// Transactions are serializable: every read inside one takes shared locks, so services written
// for SQLite's single writer stay correct with many writers. A deadlock or lock-wait timeout
// ends the whole transaction (StoreError with code conflict / busy, see is_retryable()); the
// Store retries its own single operations and in_transaction() retries the whole function, at
// the outermost level only. lock(key) is a GET_LOCK held until the outermost transaction ends.
//
// Thread-safe through the Store facade: one connection per store, serialized by the facade.
// Open one store per thread (or process) for parallel work; they share nothing but the server.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "switchboard/export.h"

namespace switchboard {

class Schema;
class Store;
class StoreBackend;

struct MariaDbOptions {
  /// Own database: the schema to create and migrate to (the standard schema when null).
  /// Attached to a Frappe site: the doctypes to take from the site (those it has).
  std::shared_ptr<const Schema> schema;
  /// Attach to a Frappe site's database instead of owning the tables (also `?frappe=1`).
  bool frappe_site = false;
  /// Environment variable holding the password when the URL has none (also `?password_env=`).
  std::string password_env = "MARIADB_PASSWORD";
  /// A MariaDB option file read like the mariadb client does, for user, password, host and
  /// socket the URL leaves out (also `?option_file=`; group from `?option_group=`).
  std::string option_file;
  std::string option_group = "client";
  int connect_timeout_seconds = 10;
  /// How long a statement waits for a row lock, and lock(key) for its lock, before
  /// StoreError(busy) (also `?lock_wait_timeout=`).
  int lock_wait_timeout_seconds = 10;
  /// Prepared statements kept per connection.
  std::size_t statement_cache_size = 256;
};

/// A Store on a MariaDB database (see make_mariadb_backend for `url` and the errors). An own
/// database is created and migrated, and gets Frappe's default records and the site facts
/// stored in it; attached to a Frappe site, the store's schema is the site's (see
/// frappe_site_schema; `options.schema` or the standard schema is what it looks for) and so
/// is its time zone (frappe_site_time_zone).
SWITCHBOARD_EXPORT std::unique_ptr<Store> make_mariadb_store(const std::string& url,
                                                             MariaDbOptions options = {});

/// The backend alone (for a Store facade, a decorator, or tests of the backend interface).
/// `url` is `mariadb://user:password@host:port/database` or
/// `mariadb://user@localhost/database?socket=/path`; user, password and database are
/// percent-decoded. Connects, then creates/migrates (own database) or reads Frappe's meta
/// (attached) when the Store opens it. Throws ValidationError for a malformed URL, AuthError
/// when the server refuses the credentials, StoreError(io) when it cannot be reached. Error
/// messages carry the URL with its password redacted.
SWITCHBOARD_EXPORT std::shared_ptr<StoreBackend> make_mariadb_backend(const std::string& url,
                                                                      MariaDbOptions options = {});

/// For a MariaDB backend attached to a Frappe site (`frappe=1`): the doctypes of `wanted` that
/// the site has, with the site's fields, Custom Fields, Property Setters, naming rules and
/// static defaults (where the site leaves a default to a controller, `wanted`'s). nullptr for
/// any other backend (an own MariaDB database, SQLite, ...).
SWITCHBOARD_EXPORT std::shared_ptr<const Schema> frappe_site_schema(StoreBackend& backend,
                                                                   const Schema& wanted);

/// For a MariaDB backend attached to a Frappe site: the time zone of its System Settings, the
/// zone Frappe writes datetimes in (Frappe's own "Asia/Kolkata" when the site never set one);
/// "" for any other backend.
/// make_mariadb_store gives it to the store (Store::set_time_zone).
SWITCHBOARD_EXPORT std::string frappe_site_time_zone(StoreBackend& backend);

/// `url` with the password replaced by "***" (safe for logs). Never throws.
SWITCHBOARD_EXPORT std::string redact_database_url(std::string_view url);

/// True when `url` names a MariaDB (or MySQL) database: "mariadb://" or "mysql://".
SWITCHBOARD_EXPORT bool is_mariadb_url(std::string_view url) noexcept;

}  // namespace switchboard
