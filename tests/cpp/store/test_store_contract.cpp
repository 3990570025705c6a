// Runs the Store contract (store_contract.h) on every C++ backend.
#include "store_contract.h"

using test_support::FaultyMemoryFactory;
using test_support::FaultySqliteFactory;
using test_support::MemoryFactory;
using test_support::SqliteFactory;

SWITCHBOARD_INSTANTIATE_CONTRACT(MemoryFactory, SqliteFactory, FaultyMemoryFactory,
                                 FaultySqliteFactory);
