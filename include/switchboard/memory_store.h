// switchboard: MemoryStore — an in-process backend with the full filter and transaction
// semantics of every Store. For tests and embedding; nothing is persisted.
// Thread-safe (through the Store facade).
#pragma once

#include <memory>

#include "switchboard/export.h"
#include "switchboard/store.h"

namespace switchboard {

/// A new empty in-memory backend (give it to a Store with a schema).
SWITCHBOARD_EXPORT std::shared_ptr<StoreBackend> make_memory_backend();

/// A new in-memory store over `schema` (the standard schema when null), with Frappe's default
/// records and default site facts.
SWITCHBOARD_EXPORT std::unique_ptr<Store> make_memory_store(
    std::shared_ptr<const Schema> schema = nullptr);

}  // namespace switchboard
