// switchboard: the Store — Frappe-shaped documents, filters and nestable transactions.
//
// Thread-safe. `Store` is a final facade (validation, naming, defaults, timestamps, derived
// fields, child-row cascades, nested transactions, error mapping) over a StoreBackend
// (store_backend.h). One recursive mutex serializes calls; begin() holds it until the
// matching commit()/rollback(), so a transaction belongs to the thread that opened it and
// other threads wait. A backend may call back into its own facade on the same thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "switchboard/document.h"
#include "switchboard/error.h"
#include "switchboard/export.h"
#include "switchboard/query.h"
#include "switchboard/schema.h"
#include "switchboard/site.h"
#include "switchboard/store_backend.h"

namespace switchboard {

namespace naming {
struct SeriesParts;
}
namespace dates {
class Zone;
}
namespace store_detail {
class AllOrNothing;
}

/// Child rows to insert with a parent, grouped by the parent's Table field (`parentfield`).
using ChildRows = std::vector<std::pair<std::string, std::vector<Document>>>;

/// The time source of a store; everything timestamped through a store uses it.
using Clock = std::function<std::chrono::system_clock::time_point()>;

/// Formats a time point as Frappe does: "YYYY-MM-DD HH:MM:SS.ffffff", in the process's local
/// time (TZ). Store::datetime_text uses the store's time zone instead.
SWITCHBOARD_EXPORT std::string format_datetime(std::chrono::system_clock::time_point t);

/// The one facade over every storage backend (store_backend.h): it validates, names, fills
/// defaults and timestamps, derives fields, cascades to child rows, nests transactions and
/// maps errors, then calls the backend with normalized arguments.
class SWITCHBOARD_EXPORT Store final {
 public:
  /// A store over `backend` with `schema` (required). Calls backend->open(schema). Throws
  /// ValidationError when either is null; whatever open() throws, mapped like every call.
  Store(std::shared_ptr<StoreBackend> backend, std::shared_ptr<const Schema> schema);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // ---- reads -------------------------------------------------------------------------------
  /// One document with every schema field (null when unset) plus the custom fields it has;
  /// nullopt when absent. Throws NotFound (unknown_doctype) for a doctype the schema lacks.
  std::optional<Document> get(std::string_view doctype, std::string_view name);
  /// Whether a document of that name exists.
  bool exists(std::string_view doctype, std::string_view name);
  /// Documents matching every filter; see Op for the semantics. Without `order_by` the order
  /// is unspecified. `fields` limits the returned fields (unknown ones come back null).
  std::vector<Document> find(std::string_view doctype, const Query& query = {});
  /// The first match of `query` (its limit is forced to 1), or nullopt.
  std::optional<Document> find_one(std::string_view doctype, Query query);
  /// Number of documents matching `filters`.
  std::int64_t count(std::string_view doctype, const Filters& filters = {});

  // ---- writes (each one is atomic; at depth 0 each runs in its own transaction) -------------
  /// Stores a new document and returns its name. Names it as Frappe would (series, hash,
  /// field) unless `name` is given; fills standard columns, defaults and derived fields;
  /// coerces values to the field types; keeps fields the schema does not know (custom fields).
  /// Throws StoreError(duplicate) when the name or a unique field is taken, ValidationError
  /// on bad field names or values (NaN and infinity among them). Inside a caller's
  /// transaction a failed series-named insert may leave its number unused, as Frappe does.
  std::string insert(std::string_view doctype, Document doc);
  /// Inserts a parent and its child rows in one transaction; stamps parent, parenttype,
  /// parentfield and idx on each row. Throws ValidationError for a parentfield that is not a
  /// Table field of `doctype`.
  std::string insert(std::string_view doctype, Document doc, const ChildRows& children);
  /// Sets fields on one document; bumps `modified` unless told not to. Recomputes the derived
  /// fields (DocTypeDef::derived) the change touches. Throws NotFound.
  void update(std::string_view doctype, std::string_view name, const Document& changes,
              bool update_modified = true);
  /// Sets fields on every matching document; returns how many matched. When the change touches
  /// derived fields whose sources it does not all give, each row gets the values computed
  /// from its own stored sources (several writes, still atomic).
  std::int64_t update_where(std::string_view doctype, const Filters& filters,
                            const Document& changes, bool update_modified = true);
  /// Deletes one document and its child rows. Throws NotFound when absent.
  void remove(std::string_view doctype, std::string_view name);
  /// Deletes every matching document (and their child rows); returns how many.
  std::int64_t remove_where(std::string_view doctype, const Filters& filters);
  /// Bumps and returns the naming-series counter for `prefix` (Frappe's tabSeries).
  std::int64_t next_series(std::string_view prefix);

  // ---- transactions ------------------------------------------------------------------------
  /// Opens a transaction, or a savepoint inside one. Blocks while another thread holds one.
  void begin();
  /// Commits the innermost level. Throws StoreError(transaction) outside a transaction; if the
  /// backend fails to commit, the level is rolled back before the error propagates.
  void commit();
  /// Rolls back the innermost level: the store is exactly as it was at the matching begin().
  void rollback();
  /// Nesting depth on the calling thread's transaction (0 = none).
  int transaction_depth() const noexcept;

  // ---- optional capabilities ---------------------------------------------------------------
  /// The backend's Capability bits (asked once).
  std::uint32_t capabilities() const;
  /// Takes a cross-process lock on `key` until the outermost transaction ends. Must be called
  /// inside a transaction. Throws NotSupported when the backend lacks Capability::kLock.
  void lock(std::string_view key);

  // ---- schema, site and time ---------------------------------------------------------------
  const Schema& schema() const noexcept { return *schema_; }
  std::shared_ptr<const Schema> schema_ptr() const noexcept { return schema_; }
  /// The backend this store runs on.
  const std::shared_ptr<StoreBackend>& backend() const noexcept { return backend_; }
  /// The facts of the site this store holds (region, domains, aliases, statuses, numbers).
  /// Services read them from here unless their own options override them. A store over a
  /// ForwardingBackend reads and sets the inner store's.
  std::shared_ptr<const SiteConfig> site() const;
  /// Replaces the site facts in memory (model::save_site_config also stores them).
  /// Throws ValidationError when `site` is invalid.
  void set_site(SiteConfig site);
  /// The store's current time as Frappe datetime text in the store's time zone.
  std::string now();
  std::chrono::system_clock::time_point now_time_point();
  /// Replaces the time source (tests freeze time); an empty function restores the system clock.
  void set_clock(Clock clock);
  /// `t` as Frappe datetime text ("YYYY-MM-DD HH:MM:SS.ffffff") in the store's time zone.
  std::string datetime_text(std::chrono::system_clock::time_point t);
  /// Unix seconds as Frappe datetime text ("YYYY-MM-DD HH:MM:SS") in the store's time zone.
  std::string datetime_text(std::int64_t unix_seconds);
  /// The zone every datetime the store writes or compares is in: an IANA name such as
  /// "Asia/Kolkata" (a Frappe site's System Settings time zone), or "" (the default) for the
  /// process's local time (TZ). A store over a ForwardingBackend uses the inner store's.
  std::string time_zone() const;
  /// Sets time_zone(). Throws ValidationError for a name the system's zone database lacks.
  void set_time_zone(std::string_view name);

 private:
  struct WriteScope;
  friend class store_detail::AllOrNothing;
  const DocTypeDef& doctype_def(std::string_view doctype) const;
  bool has(std::uint32_t capability) const { return (capabilities() & capability) != 0; }
  // `parent_known`: false for child rows the backend links to their parent (insert_with_rows).
  void prepare_insert(const DocTypeDef& def, Document& doc, bool parent_known = true);
  std::string insert_prepared(const DocTypeDef& def, Document& doc);
  Document prepare_changes(const DocTypeDef& def, const Document& changes, bool update_modified);
  void derive_changes(const DocTypeDef& def, std::string_view name, Document& changes);
  std::int64_t update_where_derived(const DocTypeDef& def, const Filters& filters,
                                    const Document& changes,
                                    const std::vector<const DerivedFields*>& per_row);
  Query normalize_query(const DocTypeDef& def, const Query& query) const;
  // `query` / `filters` as the backend gets them: as they are when already normal (most are),
  // else normalize_query's copy, kept in `storage`.
  const Query& normal_query(const DocTypeDef& def, const Query& query, Query& storage) const;
  const Filters& normal_filters(const DocTypeDef& def, const Filters& filters, Query& storage) const;
  void remove_children(const DocTypeDef& def, std::string_view name);
  void complete_document(const DocTypeDef& def, Document& doc) const;
  naming::SeriesParts series_parts(const DocTypeDef& def, const Document& doc);
  // The optional operations, natively when the backend has them, else through required ones.
  std::int64_t backend_count(std::string_view doctype, const Filters& filters);
  std::int64_t backend_remove_where(std::string_view doctype, const Filters& filters);
  std::int64_t backend_next_series(std::string_view prefix);
  // Transaction levels: the caller's thread must own an open one; closing one releases it.
  void require_open_level(const char* operation) const;
  void pop_level();

  std::shared_ptr<const dates::Zone> zone() const;  // a copy: formatting runs unlocked
  struct SeriesCacheEntry;
  static constexpr std::uint32_t kCapsUnknown = 0xffffffffu;

  std::shared_ptr<StoreBackend> backend_;
  std::shared_ptr<const Schema> schema_;
  mutable std::atomic<std::uint32_t> caps_{kCapsUnknown};
  std::map<const DocTypeDef*, std::unique_ptr<SeriesCacheEntry>> series_cache_;  // by mutex_
  mutable std::recursive_mutex mutex_;
  int depth_ = 0;                            // guarded by mutex_
  // From this transaction level on, a failure anywhere rolls the whole level back (see
  // store_detail::AllOrNothing): multi-row writes need no savepoint of their own there, and
  // one that fails only marks the level broken. 0 = none.
  int all_or_nothing_level_ = 0;             // guarded by mutex_
  bool all_or_nothing_broken_ = false;       // guarded by mutex_
  std::atomic<std::thread::id> owner_{};     // thread holding the open transaction
  Clock clock_;                              // guarded by mutex_
  std::string zone_name_;                    // guarded by mutex_
  std::shared_ptr<const dates::Zone> zone_;  // guarded by mutex_; null: the process's TZ
  std::shared_ptr<const SiteConfig> site_;   // guarded by mutex_
  Store* forward_to_ = nullptr;              // the inner store of a ForwardingBackend
};

/// RAII transaction: begins on construction, rolls back on destruction unless committed.
/// One thread at a time (it must be used on the thread that created it).
class SWITCHBOARD_EXPORT Transaction {
 public:
  explicit Transaction(Store& store);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  /// Commits; afterwards the destructor does nothing. When code run inside it began a
  /// transaction and left it open, rolls everything back and throws StoreError(transaction).
  void commit();
  /// Rolls back now; afterwards the destructor does nothing.
  void rollback();
  bool active() const noexcept { return active_; }

 private:
  Store& store_;
  bool active_ = true;
  int level_ = 0;
};

namespace detail {
/// Sleeps before rerun number `attempt` (1, 2, ...) of a transaction: a random 1-200 ms,
/// growing with the attempt.
SWITCHBOARD_EXPORT void transaction_backoff(int attempt);
}  // namespace detail

/// How often in_retrying_transaction runs a function at most.
constexpr int kTransactionAttempts = 10;

/// Runs `fn()` inside a transaction: commits when it returns, rolls back when it throws.
template <typename Fn>
auto in_transaction(Store& store, Fn&& fn) -> decltype(fn()) {
  Transaction tx(store);
  if constexpr (std::is_void_v<decltype(fn())>) {
    fn();
    tx.commit();
  } else {
    auto result = fn();
    tx.commit();
    return result;
  }
}

/// in_transaction, run again when it fails with a retryable error (is_retryable: a deadlock,
/// a certification conflict, a lock timeout) and this call opened the outermost transaction:
/// the server undid everything the transaction did, so only a rerun of the whole function from
/// the outermost level is correct. Inside an open transaction it runs once and the error
/// propagates to whoever owns the outermost level. `fn` may therefore run several times
/// (kTransactionAttempts at most): it must change nothing but the store.
template <typename Fn>
auto in_retrying_transaction(Store& store, Fn&& fn) -> decltype(fn()) {
  if (store.transaction_depth() > 0) return in_transaction(store, fn);
  for (int attempt = 1;; ++attempt) {
    try {
      return in_transaction(store, fn);
    } catch (const Error& e) {
      if (!is_retryable(e) || attempt >= kTransactionAttempts) throw;
    }
    detail::transaction_backoff(attempt);
  }
}

}  // namespace switchboard
