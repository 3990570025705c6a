// switchboard: inbound email: parsing, addresses, names, subjects (issue: email routing).
#pragma once

#include "switchboard/export.h"
#include "switchboard/store.h"

namespace switchboard {}  // namespace switchboard
