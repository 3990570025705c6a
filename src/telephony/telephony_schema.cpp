// Fields call logging owns on the call-log doctypes and the payload queue.
#include "store/schema_standard.h"
#include "switchboard/schema.h"

namespace switchboard {
namespace {

FieldDef text(const char* name, bool indexed = false) {
  FieldDef f;
  f.name = name;
  f.indexed = indexed;
  return f;
}

FieldDef integer(const char* name) {
  FieldDef f;
  f.name = name;
  f.type = FieldType::kInt;
  return f;
}

}  // namespace

void add_telephony_schema(Schema& schema) {
  // Helpdesk Call Log and CRM Call Log: the upsert keys and the telephony state.
  for (const char* doctype : {"Helpdesk Call Log", "CRM Call Log"}) {
    schema.add_field(doctype, text("telephony_session_id", true));
    schema.add_field(doctype, integer("telephony_sequence"));
    schema.add_field(doctype, text("telephony_status"));
    schema.add_field(doctype, text("result"));
    schema.add_field(doctype, text("recording_id"));
  }
  schema.add_field("CRM Call Log", text("session_id", true));
  // (Callers are found through the (phone key, creation) indexes of the phones schema.)
  schema.add_field("RingCentral CRM Payload", text("call_log"));
}

}  // namespace switchboard
