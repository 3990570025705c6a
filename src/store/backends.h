// Internal: the concrete built-in backends, declared for the Python bindings (which register
// them as subclasses of Store). Library users go through make_memory_store() /
// make_sqlite_store(); the implementations stay in their .cpp files behind Impl.
#pragma once

#include <memory>

#include "switchboard/memory_store.h"
#include "switchboard/sqlite_store.h"
#include "switchboard/store.h"

namespace switchboard::detail {

#define SWITCHBOARD_BACKEND_SPI                                                                 \
  std::optional<Document> do_get(std::string_view doctype, std::string_view name) override;     \
  std::vector<Document> do_find(std::string_view doctype, const Query& query) override;         \
  std::string do_insert(std::string_view doctype, const Document& doc) override;                \
  void do_update(std::string_view doctype, std::string_view name, const Document& changes)      \
      override;                                                                                 \
  std::int64_t do_update_where(std::string_view doctype, const Filters& filters,                \
                               const Document& changes) override;                               \
  void do_remove(std::string_view doctype, std::string_view name) override;                     \
  void do_begin() override;                                                                     \
  void do_commit() override;                                                                    \
  void do_rollback() override;                                                                  \
  std::uint32_t do_capabilities() const override;                                               \
  std::int64_t do_count(std::string_view doctype, const Filters& filters) override;             \
  void do_lock(std::string_view key) override;                                                  \
  bool do_returns_complete_documents() const override { return true; }

/// Thread-safe (through the Store facade).
class MemoryStore final : public Store {
 public:
  explicit MemoryStore(std::shared_ptr<const Schema> schema);
  ~MemoryStore() override;

 protected:
  SWITCHBOARD_BACKEND_SPI

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

/// Thread-safe (through the Store facade).
class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const SqliteOptions& options);
  ~SqliteStore() override;
  const std::string& path() const noexcept;

 protected:
  SWITCHBOARD_BACKEND_SPI
  std::int64_t do_remove_where(std::string_view doctype, const Filters& filters) override;
  std::int64_t do_next_series(std::string_view prefix) override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

#undef SWITCHBOARD_BACKEND_SPI

/// Constructs and seeds (the public factories return these as unique_ptr<Store>).
std::unique_ptr<MemoryStore> open_memory_store(std::shared_ptr<const Schema> schema);
std::unique_ptr<SqliteStore> open_sqlite_store(const SqliteOptions& options);

}  // namespace switchboard::detail
