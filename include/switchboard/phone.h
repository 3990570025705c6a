// switchboard: phone numbers: normalization, match keys, click-to-call links (issue: phones and merging).
#pragma once

#include "switchboard/export.h"
#include "switchboard/store.h"

namespace switchboard {}  // namespace switchboard
