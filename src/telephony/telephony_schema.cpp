// Fields call logging owns on the call-log doctypes and the payload queue.
#include "telephony/telephony_schema.h"

#include "switchboard/schema.h"

namespace switchboard {
namespace {
constexpr bool kIndexed = true;
FieldDef field(const char* name, FieldType type = FieldType::kText, bool indexed = false) {
  return FieldDef{name, type, {}, indexed};
}
}  // namespace

void add_telephony_schema(Schema& schema) {
  // Helpdesk Call Log and CRM Call Log: the upsert keys and the telephony state.
  for (const char* doctype : {"Helpdesk Call Log", "CRM Call Log"}) {
    schema.add_field(doctype, field("telephony_session_id", FieldType::kText, kIndexed));
    schema.add_field(doctype, field("telephony_sequence", FieldType::kInt));
    schema.add_field(doctype, field("telephony_status"));
    schema.add_field(doctype, field("result"));
    schema.add_field(doctype, field("recording_id"));
  }
  schema.add_field("CRM Call Log", field("session_id", FieldType::kText, kIndexed));
  // (Callers are found through the (phone key, creation) indexes of the phones schema.)
  schema.add_field("RingCentral CRM Payload", field("call_log"));
}

}  // namespace switchboard
