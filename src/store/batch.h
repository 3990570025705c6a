// Internal: many items in one transaction, a savepoint each (Router::route_many,
// CallLogger::ingest_many).
#pragma once

#include <cstddef>
#include <exception>

#include "switchboard/error.h"
#include "switchboard/store.h"

namespace switchboard::store_detail {

/// Runs item(i) for every i below `count` in one transaction (in_retrying_transaction), each
/// in a savepoint of its own. An item that throws rolls back only its savepoint and is handed
/// to failed(i, e) (e: the exception, or nullptr when it is no std::exception), which runs in
/// the batch and may write. Two errors end the batch instead: Interrupted propagates (all
/// rolled back), and a retryable Error when this call opened the transaction reruns the batch
/// from its first item (the server undid it); inside a caller's transaction it is the item's.
template <typename Item, typename Failed>
void each_in_savepoint(Store& store, std::size_t count, Item&& item, Failed&& failed) {
  const bool outermost = store.transaction_depth() == 0;
  in_retrying_transaction(store, [&] {
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

}  // namespace switchboard::store_detail
