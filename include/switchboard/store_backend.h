// switchboard: StoreBackend — what a storage backend implements. The `Store` facade (store.h)
// owns every rule (validation, naming, defaults, timestamps, derived fields, cascades, nested
// transactions, error mapping) and calls a backend only with validated, normalized arguments.
//
// Thread safety: a backend is called by one Store, one call at a time (the facade serializes
// calls with its mutex), always from the thread that holds the store's open transaction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/document.h"
#include "switchboard/export.h"
#include "switchboard/query.h"

namespace switchboard {

class Schema;

/// Optional capabilities a backend declares through StoreBackend::capabilities(). The facade
/// asks before it calls an optional operation and falls back to the required ones otherwise.
struct Capability {
  static constexpr std::uint32_t kSavepoints = 1u << 0;  ///< nested begin() is a real savepoint
  static constexpr std::uint32_t kLock = 1u << 1;        ///< lock(key) works across processes
  /// The backend names documents and fills standard columns and defaults itself (Frappe, or a
  /// backend delegating to another Store); the facade still validates, coerces, derives and
  /// sets `modified` on updates.
  static constexpr std::uint32_t kSelfManaged = 1u << 2;
  static constexpr std::uint32_t kCount = 1u << 3;       ///< count()
  static constexpr std::uint32_t kRemoveWhere = 1u << 4; ///< remove_where()
  static constexpr std::uint32_t kSeries = 1u << 5;      ///< next_series()
  static constexpr std::uint32_t kInsertMany = 1u << 6;  ///< insert_many()
  /// get()/find() return every schema field (null when unset) plus set custom fields, or
  /// exactly the requested `fields`; otherwise the facade completes and projects results.
  static constexpr std::uint32_t kCompleteDocuments = 1u << 7;
  /// insert_with_rows(): a kSelfManaged backend stores a document with its child rows in one
  /// operation (Frappe: one ORM insert instead of an insert plus one parent save per row).
  static constexpr std::uint32_t kInsertWithRows = 1u << 8;
};

/// The rows of one table field of a document given to StoreBackend::insert_with_rows.
struct ChildTableRows {
  std::string parentfield;    ///< the parent's table field
  std::string child_doctype;  ///< the rows' doctype
  std::vector<Document> rows; ///< validated, in order, without name or parent
};

/// The storage interface. Implement the required operations; declare optional ones in
/// capabilities(). Throw switchboard errors (StoreError(kDuplicate) for a taken name or unique
/// value, NotFound for a missing document); anything else reaching the facade becomes
/// StoreError(kBackend) with context.
class SWITCHBOARD_EXPORT StoreBackend {
 public:
  virtual ~StoreBackend();

  /// Called once, before any other call, by the Store that adopts this backend: the schema
  /// every later call refers to. SQL backends create or migrate their tables here.
  virtual void open(std::shared_ptr<const Schema> schema);

  // ---- required ------------------------------------------------------------------------------
  /// One document, or nullopt when there is none of that name.
  virtual std::optional<Document> get(std::string_view doctype, std::string_view name) = 0;
  /// Documents matching every filter (Op semantics of query.h), ordered, limited, projected.
  virtual std::vector<Document> find(std::string_view doctype, const Query& query) = 0;
  /// Stores `doc` and returns its name. `doc` is complete (name, standard columns, defaults)
  /// unless the backend is kSelfManaged. Writes nothing when it throws.
  virtual std::string insert(std::string_view doctype, const Document& doc) = 0;
  /// Sets fields on one document, exactly as given. Throws NotFound when it does not exist.
  virtual void update(std::string_view doctype, std::string_view name,
                      const Document& changes) = 0;
  /// Sets fields on every matching document; returns how many matched.
  virtual std::int64_t update_where(std::string_view doctype, const Filters& filters,
                                    const Document& changes) = 0;
  /// Deletes exactly one row (the facade cascades to child rows). Throws NotFound if absent.
  virtual void remove(std::string_view doctype, std::string_view name) = 0;
  /// Transactions nest: each begin() is matched by one commit() or rollback() of that level.
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;

  // ---- optional (declared in capabilities(); the defaults throw NotSupported) ---------------
  virtual std::uint32_t capabilities() const;
  /// kCount: number of matching documents.
  virtual std::int64_t count(std::string_view doctype, const Filters& filters);
  /// kRemoveWhere: deletes matching rows (no cascade); returns how many.
  virtual std::int64_t remove_where(std::string_view doctype, const Filters& filters);
  /// kSeries: bumps and returns the naming-series counter of `prefix` (Frappe's tabSeries),
  /// atomically within the current transaction.
  virtual std::int64_t next_series(std::string_view prefix);
  /// kLock: a cross-process lock on `key`, held until the outermost transaction ends.
  virtual void lock(std::string_view key);
  /// kInsertMany: inserts complete documents (all named) of one doctype; all or nothing.
  virtual void insert_many(std::string_view doctype, const std::vector<Document>& docs);
  /// kInsertWithRows (with kSelfManaged): stores `doc` and its child rows, naming them and
  /// setting their parent, parenttype, parentfield and idx; returns the parent's name. All or
  /// nothing.
  virtual std::string insert_with_rows(std::string_view doctype, const Document& doc,
                                       const std::vector<ChildTableRows>& tables);
};

/// A backend that forwards every operation to another Store's public methods (naming,
/// defaults and derived fields are then the inner store's: kSelfManaged). Subclass it and
/// override what you decorate (counting, logging, caching): the result behaves exactly like
/// the inner store.
class SWITCHBOARD_EXPORT ForwardingBackend : public StoreBackend {
 public:
  explicit ForwardingBackend(std::shared_ptr<class Store> inner);
  class Store& inner() const noexcept { return *inner_; }
  std::shared_ptr<class Store> inner_ptr() const noexcept { return inner_; }

  std::optional<Document> get(std::string_view doctype, std::string_view name) override;
  std::vector<Document> find(std::string_view doctype, const Query& query) override;
  std::string insert(std::string_view doctype, const Document& doc) override;
  void update(std::string_view doctype, std::string_view name, const Document& changes) override;
  std::int64_t update_where(std::string_view doctype, const Filters& filters,
                            const Document& changes) override;
  void remove(std::string_view doctype, std::string_view name) override;
  void begin() override;
  void commit() override;
  void rollback() override;
  std::uint32_t capabilities() const override;
  std::int64_t count(std::string_view doctype, const Filters& filters) override;
  std::int64_t remove_where(std::string_view doctype, const Filters& filters) override;
  std::int64_t next_series(std::string_view prefix) override;
  void lock(std::string_view key) override;

 private:
  std::shared_ptr<class Store> inner_;
};

}  // namespace switchboard
