// switchboard: FaultyBackend — a ForwardingBackend that fails on purpose at planned positions,
// for proving that every multi-write operation is all-or-nothing.
// One thread at a time (through the Store facade that owns it).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "switchboard/export.h"
#include "switchboard/store.h"
#include "switchboard/store_backend.h"

namespace switchboard {

/// Which operations FaultyBackend fails.
struct FaultPlan {
  /// Fail the k-th write (1-based; insert, update, update_where, remove, remove_where and
  /// series bumps each count one); 0 = never.
  std::int64_t fail_write = 0;
  /// Fail the k-th commit (1-based); 0 = never.
  std::int64_t fail_commit = 0;
  /// Fail the k-th rollback (1-based) *after* rolling the inner store back; 0 = never.
  std::int64_t fail_rollback = 0;
};

/// Forwards to an inner store, counts writes, commits and rollbacks, and throws
/// StoreError(injected_fault) at the positions of its FaultPlan.
class SWITCHBOARD_EXPORT FaultyBackend : public ForwardingBackend {
 public:
  explicit FaultyBackend(std::shared_ptr<Store> inner, FaultPlan plan = {});
  /// Replaces the plan and resets the counters.
  void arm(FaultPlan plan);
  std::int64_t writes() const noexcept { return writes_; }
  std::int64_t commits() const noexcept { return commits_; }
  std::int64_t rollbacks() const noexcept { return rollbacks_; }

  std::string insert(std::string_view doctype, const Document& doc) override;
  void update(std::string_view doctype, std::string_view name, const Document& changes) override;
  std::int64_t update_where(std::string_view doctype, const Filters& filters,
                            const Document& changes) override;
  void remove(std::string_view doctype, std::string_view name) override;
  std::int64_t remove_where(std::string_view doctype, const Filters& filters) override;
  std::int64_t next_series(std::string_view prefix) override;
  void commit() override;
  void rollback() override;

 private:
  void count_write(const char* what);
  FaultPlan plan_;
  std::int64_t writes_ = 0;
  std::int64_t commits_ = 0;
  std::int64_t rollbacks_ = 0;
};

/// A store over a FaultyBackend wrapping `inner` (same schema; shares inner's site facts).
SWITCHBOARD_EXPORT std::shared_ptr<Store> make_faulty_store(std::shared_ptr<Store> inner,
                                                            FaultPlan plan = {});
/// The FaultyBackend of a store made by make_faulty_store. Throws ValidationError otherwise.
SWITCHBOARD_EXPORT FaultyBackend& faults(Store& store);

}  // namespace switchboard
