// switchboard: umbrella header for the whole public API.
#pragma once

#include "switchboard/conversations.h"
#include "switchboard/document.h"
#include "switchboard/email.h"
#include "switchboard/error.h"
#include "switchboard/memory_store.h"
#include "switchboard/merge.h"
#include "switchboard/orders.h"
#include "switchboard/phone.h"
#include "switchboard/query.h"
#include "switchboard/routing.h"
#include "switchboard/schema.h"
#include "switchboard/sqlite_store.h"
#include "switchboard/store.h"
#include "switchboard/store_wrapper.h"
#include "switchboard/telephony.h"
#include "switchboard/version.h"
