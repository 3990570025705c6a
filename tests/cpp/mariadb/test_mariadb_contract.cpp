// The Store contract (store/store_contract.h) on MariaDbStore against a real server.
#include "mariadb_test_support.h"
#include "store/store_contract.h"

using mariadb_test::FaultyMariaDbFactory;
using mariadb_test::MariaDbFactory;

SWITCHBOARD_INSTANTIATE_CONTRACT(MariaDbFactory, FaultyMariaDbFactory);
