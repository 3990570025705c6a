// Internal: default records (Frappe's default statuses) seeded into new stores.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "switchboard/document.h"

namespace switchboard {

class Schema;

// Each area adds the doctypes and fields it owns to the standard schema (defined in the
// area's folder; called once by Schema::standard()).
void add_merge_schema(Schema& schema);          // src/merge: phone keys, merge pointers, audit
void add_routing_schema(Schema& schema);        // src/routing
void add_conversation_schema(Schema& schema);   // src/conversations and src/orders
void add_telephony_schema(Schema& schema);      // src/telephony
void add_ringcentral_schema(Schema& schema);    // src/ringcentral: CRM RingCentral Settings

/// (doctype, document) pairs every fresh store starts with; names come from naming fields.
const std::vector<std::pair<std::string, Document>>& standard_records();

}  // namespace switchboard
