// Internal: the fields call logging owns, declared to the site model.
#pragma once

namespace switchboard {
class Schema;
/// Upsert keys and telephony state on the call-log doctypes; the payload queue's link.
void add_telephony_schema(Schema& schema);
}  // namespace switchboard
