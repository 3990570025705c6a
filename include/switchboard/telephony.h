// switchboard: call events, call logs, webhooks, recordings and transcripts (issue: phone calls).
#pragma once

#include "switchboard/export.h"
#include "switchboard/store.h"

namespace switchboard {}  // namespace switchboard
