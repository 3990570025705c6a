// switchboard: deal rules, production status and order history (issue: conversations and orders).
#pragma once

#include "switchboard/export.h"
#include "switchboard/store.h"

namespace switchboard {}  // namespace switchboard
