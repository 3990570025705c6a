// Phone keys, merge pointers and the merge audit doctype (issue: phones and merging).
#include "phone/phone_internal.h"
#include "store/schema_standard.h"
#include "switchboard/merge.h"
#include "switchboard/schema.h"

namespace switchboard {
namespace {

FieldDef text_field(const char* name, bool indexed = false) {
  FieldDef f;
  f.name = name;
  f.indexed = indexed;
  return f;
}

}  // namespace

void add_merge_schema(Schema& schema) {
  // HD Ticket already has Helpdesk's own is_merged / merged_with; leads get a custom field.
  schema.add_field("CRM Lead", text_field("custom_merged_into", true));

  // Stored phone keys on leads, deals, contact phones, tickets and call logs.
  phone_detail::add_phone_key_schema(schema);

  // One row per record merged into another: who, when, by which key, and what moved.
  DocTypeDef log;
  log.name = kMergeLogDoctype;
  log.naming = NamingRule::kHash;
  FieldDef merged_on = text_field("merged_on");
  merged_on.type = FieldType::kDatetime;
  log.fields = {text_field("reference_doctype"), text_field("source_name", true),
                text_field("target_name", true), text_field("phone_key"),
                merged_on, text_field("trigger"), text_field("moved"), text_field("removed"),
                text_field("filled"), text_field("source_before")};
  log.indexes = {{"reference_doctype", "target_name"}};
  schema.add(std::move(log));
}

}  // namespace switchboard
