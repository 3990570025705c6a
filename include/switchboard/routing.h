// switchboard: the email router: rules, decisions, writes (issue: email routing).
#pragma once

#include "switchboard/export.h"
#include "switchboard/store.h"

namespace switchboard {}  // namespace switchboard
