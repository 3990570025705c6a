// switchboard: SqliteStore — the embedded default backend on one SQLite file.
//
// Tables are named `tab<DocType>` with Frappe's standard columns; the schema is versioned and
// migrated in place when a store opens the file. WAL mode and a busy timeout let several
// processes share one file: writers queue (BEGIN IMMEDIATE) instead of failing with
// SQLITE_BUSY. Fields the schema does not know are added as untyped columns on first write,
// inside the writing transaction, so a site's custom fields are kept and stay filterable.
// An indexed field's index holds only the rows that have a value (creation and modified, which
// order listings, hold all): a ticket from mail writes nothing to its phone or merge indexes.
// Thread-safe (through the Store facade): one connection serialized by the facade mutex.
// Opened before any other use of SQLite in the process, the first store turns off SQLite's
// memory statistics (sqlite3_memory_used() then reads 0), which cost every SQLite allocation
// a global mutex; call sqlite3_initialize() first to keep them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "switchboard/export.h"
#include "switchboard/store.h"

namespace switchboard {

struct SqliteOptions {
  /// File path, ":memory:" for a private in-memory database, or an SQLite URI ("file:...").
  std::string path = ":memory:";
  /// Schema to create and migrate to (make_sqlite_store: the standard schema when null).
  std::shared_ptr<const Schema> schema;
  /// How long a writer waits for another process's write lock before StoreError(busy).
  int busy_timeout_ms = 30000;
  /// Create the file when missing (otherwise NotFound).
  bool create = true;
  /// Open for reading only: nothing is created, migrated, seeded or written, and every write
  /// fails (StoreError io). The file must be a switchboard database: NotFound when missing,
  /// StoreError schema when it is not one or needs a migration first.
  bool read_only = false;
  /// PRAGMA synchronous: "NORMAL" (default; durable in WAL except on power loss) or "FULL".
  std::string synchronous = "NORMAL";
  /// Prepared statements kept for reuse.
  std::size_t statement_cache_size = 256;
  /// SQLite page cache per connection, in KiB (PRAGMA cache_size = -N).
  int page_cache_kib = 16384;
  /// WAL size, in KiB, after which a commit copies the WAL back into the database file (PRAGMA
  /// wal_autocheckpoint, in pages). Larger: a page written by many transactions is copied once
  /// (batches route ~12% faster at 64 MiB than at SQLite's 4 MiB), for that much disk.
  int wal_checkpoint_kib = 65536;
};

/// The schema version this build writes (bumped by data migrations; see README).
SWITCHBOARD_EXPORT int sqlite_schema_version() noexcept;

/// A SQLite backend on `options.path` (opened now; tables created or migrated when a Store
/// adopts it). `options.schema` is ignored: the Store gives the schema. Throws StoreError
/// with code io / corrupt / busy when the file cannot be opened.
SWITCHBOARD_EXPORT std::shared_ptr<StoreBackend> make_sqlite_backend(const SqliteOptions& options);

/// Opens (creating and migrating as needed) a SQLite-backed store with the standard schema
/// (or `options.schema`), Frappe's default records and the site facts stored in it. Throws StoreError with
/// code io / corrupt / schema / busy when the file cannot be opened or migrated.
SWITCHBOARD_EXPORT std::unique_ptr<Store> make_sqlite_store(const SqliteOptions& options);
/// Shorthand for make_sqlite_store with only a path.
SWITCHBOARD_EXPORT std::unique_ptr<Store> make_sqlite_store(const std::string& path);

}  // namespace switchboard
