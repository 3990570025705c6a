// switchboard: communications and transfers between CRM and Helpdesk (issue: conversations and orders).
#pragma once

#include "switchboard/export.h"
#include "switchboard/store.h"

namespace switchboard {}  // namespace switchboard
