// Phone keys, merge pointers and the merge audit doctype (issue: phones and merging).
#include "store/schema_standard.h"
#include "switchboard/schema.h"

namespace switchboard {

void add_merge_schema(Schema& schema) {
  // HD Ticket already has Helpdesk's own is_merged / merged_with; leads get a custom field.
  FieldDef merged_into;
  merged_into.name = "custom_merged_into";
  merged_into.indexed = true;
  schema.add_field("CRM Lead", merged_into);
}

}  // namespace switchboard
