// switchboard: MemoryStore — an in-process backend with the full filter and transaction
// semantics of every Store. For tests and embedding; nothing is persisted.
// Thread-safe (through the Store facade).
#pragma once

#include <memory>

#include "switchboard/export.h"
#include "switchboard/store.h"

namespace switchboard {

/// A new empty in-memory store over `schema` (the standard schema when null).
SWITCHBOARD_EXPORT std::unique_ptr<Store> make_memory_store(
    std::shared_ptr<const Schema> schema = nullptr);

}  // namespace switchboard
