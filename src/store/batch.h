// Internal: many items in one transaction, as if each had a savepoint of its own
// (Router::route_many, CallLogger::ingest_many).
#pragma once

#include <cstddef>
#include <exception>
#include <utility>

#include "switchboard/error.h"
#include "switchboard/store.h"

namespace switchboard::store_detail {

/// Runs item(i) for every i below `count` in one transaction (in_retrying_transaction), with
/// the outcome of a savepoint per item: an item that throws leaves nothing written and is
/// handed to failed(i, e) (e: the exception, or nullptr when it is no std::exception), which
/// runs in the batch and may write. Two errors end the batch instead: Interrupted propagates
/// (all rolled back), and a retryable Error when this call opened the transaction reruns the
/// batch from its first item (the server undid it); inside a caller's transaction it is the
/// item's.
///
/// When this call opens the transaction, the items first run without savepoints (a savepoint
/// per item costs SQLite a sub-journal copy of every page an item touches again, ~15% of a
/// routed mail); when one of them throws, that pass is rolled back and the batch runs again
/// from its first item with a savepoint each. So item(i) may run twice: it must change nothing
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
