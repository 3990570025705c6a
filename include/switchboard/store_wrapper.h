// switchboard: StoreWrapper forwards every operation to another store (cheap decorators,
// like LevelDB's EnvWrapper); FaultyStore is a wrapper that fails on purpose.
// Thread-safe (through the Store facade).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "switchboard/export.h"
#include "switchboard/store.h"

namespace switchboard {

/// Forwards the SPI to `inner`'s public methods. Subclass it and override what you decorate.
class SWITCHBOARD_EXPORT StoreWrapper : public Store {
 public:
  explicit StoreWrapper(std::shared_ptr<Store> inner);
  Store& inner() noexcept { return *inner_; }
  std::shared_ptr<Store> inner_ptr() const noexcept { return inner_; }

 protected:
  std::optional<Document> do_get(std::string_view doctype, std::string_view name) override;
  std::vector<Document> do_find(std::string_view doctype, const Query& query) override;
  std::string do_insert(std::string_view doctype, const Document& doc) override;
  void do_update(std::string_view doctype, std::string_view name, const Document& changes) override;
  std::int64_t do_update_where(std::string_view doctype, const Filters& filters,
                               const Document& changes) override;
  void do_remove(std::string_view doctype, std::string_view name) override;
  void do_begin() override;
  void do_commit() override;
  void do_rollback() override;
  std::uint32_t do_capabilities() const override;
  std::int64_t do_count(std::string_view doctype, const Filters& filters) override;
  std::int64_t do_remove_where(std::string_view doctype, const Filters& filters) override;
  std::int64_t do_next_series(std::string_view prefix) override;
  void do_lock(std::string_view key) override;
  bool do_returns_complete_documents() const override;

 private:
  std::shared_ptr<Store> inner_;
};

/// Which operations FaultyStore counts.
struct FaultPlan {
  /// Fail the k-th write (1-based; insert, update, update_where, remove, remove_where and
  /// series bumps each count one); 0 = never.
  std::int64_t fail_write = 0;
  /// Fail the k-th commit (1-based); 0 = never.
  std::int64_t fail_commit = 0;
  /// Fail the k-th rollback (1-based) *after* rolling the inner store back; 0 = never.
  std::int64_t fail_rollback = 0;
};

/// A wrapper that throws StoreError(injected_fault) at planned positions and counts writes,
/// for proving that every multi-write operation is all-or-nothing.
class SWITCHBOARD_EXPORT FaultyStore : public StoreWrapper {
 public:
  FaultyStore(std::shared_ptr<Store> inner, FaultPlan plan = {});
  /// Replaces the plan and resets the counters.
  void arm(FaultPlan plan);
  std::int64_t writes() const noexcept { return writes_; }
  std::int64_t commits() const noexcept { return commits_; }
  std::int64_t rollbacks() const noexcept { return rollbacks_; }

 protected:
  std::string do_insert(std::string_view doctype, const Document& doc) override;
  void do_update(std::string_view doctype, std::string_view name, const Document& changes) override;
  std::int64_t do_update_where(std::string_view doctype, const Filters& filters,
                               const Document& changes) override;
  void do_remove(std::string_view doctype, std::string_view name) override;
  std::int64_t do_remove_where(std::string_view doctype, const Filters& filters) override;
  std::int64_t do_next_series(std::string_view prefix) override;
  void do_commit() override;
  void do_rollback() override;

 private:
  void count_write(const char* what);
  FaultPlan plan_;
  std::int64_t writes_ = 0;
  std::int64_t commits_ = 0;
  std::int64_t rollbacks_ = 0;
};

}  // namespace switchboard
