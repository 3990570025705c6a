// Internal: many items in one transaction, as if each had a savepoint of its own
// (Router::route_many, CallLogger::ingest_many).
#pragma once

#include <cstddef>
#include <exception>
#include <mutex>
#include <utility>

#include "switchboard/error.h"
#include "switchboard/store.h"

namespace switchboard::store_detail {

/// While it lives, the store's open transaction level is all or nothing: a write of several
/// rows (a document with its child rows, a cascade) takes no savepoint of its own inside it,
/// and one that fails marks the level broken(); the owner must then roll the level back, since
/// a caller may have caught the error with part of those rows written. One thread at a time.
class AllOrNothing {
 public:
  explicit AllOrNothing(Store& store) : store_(store) {
    std::lock_guard<std::recursive_mutex> lock(store_.mutex_);
    saved_level_ = store_.all_or_nothing_level_;
    saved_broken_ = store_.all_or_nothing_broken_;
    store_.all_or_nothing_level_ = store_.depth_;
    store_.all_or_nothing_broken_ = false;
  }
  ~AllOrNothing() {
    std::lock_guard<std::recursive_mutex> lock(store_.mutex_);
    store_.all_or_nothing_level_ = saved_level_;
    store_.all_or_nothing_broken_ = saved_broken_;
  }
  AllOrNothing(const AllOrNothing&) = delete;
  AllOrNothing& operator=(const AllOrNothing&) = delete;
  bool broken() const {
    std::lock_guard<std::recursive_mutex> lock(store_.mutex_);
    return store_.all_or_nothing_broken_;
  }

 private:
  Store& store_;
  int saved_level_ = 0;
  bool saved_broken_ = false;
};

/// Runs item(i) for every i below `count` in one transaction (in_retrying_transaction), with
/// the outcome of a savepoint per item: an item that throws leaves nothing written and is
/// handed to failed(i, e) (e: the exception, or nullptr when it is no std::exception), which
/// runs in the batch and may write. Two errors end the batch instead: Interrupted propagates
/// (all rolled back), and a retryable Error when this call opened the transaction reruns the
/// batch from its first item (the server undid it); inside a caller's transaction it is the
/// item's.
///
/// When this call opens the transaction, the items first run without savepoints, the
/// transaction all or nothing (a savepoint costs SQLite a sub-journal copy of every page
/// touched again: per item ~15% of a routed mail, per contact with its email row ~7%); when
/// one of them throws, or a write inside one failed, that pass is rolled back and the batch
/// runs again from its first item with a savepoint each. So item(i) may run twice: it must change nothing
/// but the store, and `restart()` (called before every pass) clears what the items keep
/// between them.
template <typename Item, typename Failed, typename Restart>
void each_in_savepoint(Store& store, std::size_t count, Item&& item, Failed&& failed,
                       Restart&& restart) {
  const bool outermost = store.transaction_depth() == 0;
  if (outermost && count > 1) {
    struct ItemFailed {};  // ends the pass; the batch reruns with savepoints
    try {
      in_retrying_transaction(store, [&] {
        AllOrNothing pass(store);
        restart();
        for (std::size_t i = 0; i < count; ++i) {
          try {
            item(i);
          } catch (const Error& e) {
            if (is_retryable(e)) throw;  // in_retrying_transaction reruns the pass
            throw ItemFailed{};
          } catch (const Interrupted&) {
            throw;
          } catch (...) {
            throw ItemFailed{};
          }
          if (pass.broken()) throw ItemFailed{};  // a failed write was caught inside the item
        }
      });
      return;
    } catch (const ItemFailed&) {
    }
  }
  in_retrying_transaction(store, [&] {
    restart();
    for (std::size_t i = 0; i < count; ++i) {
      try {
        Transaction savepoint(store);
        item(i);
        savepoint.commit();
      } catch (const Error& e) {
        if (outermost && is_retryable(e)) throw;
        failed(i, &e);
      } catch (const Interrupted&) {
        throw;
      } catch (const std::exception& e) {
        failed(i, &e);
      } catch (...) {
        failed(i, nullptr);
      }
    }
  });
}

/// each_in_savepoint for items that keep nothing between them.
template <typename Item, typename Failed>
void each_in_savepoint(Store& store, std::size_t count, Item&& item, Failed&& failed) {
  each_in_savepoint(store, count, std::forward<Item>(item), std::forward<Failed>(failed), [] {});
}

}  // namespace switchboard::store_detail
