// switchboard: umbrella header for the whole public API.
#pragma once

#include "switchboard/document.h"
#include "switchboard/error.h"
#include "switchboard/memory_store.h"
#include "switchboard/query.h"
#include "switchboard/schema.h"
#include "switchboard/sqlite_store.h"
#include "switchboard/store.h"
#include "switchboard/store_wrapper.h"
#include "switchboard/version.h"
