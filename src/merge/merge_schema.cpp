// Merge pointers and the merge audit doctype.
#include "merge/merge_schema.h"

#include "switchboard/merge.h"
#include "switchboard/schema.h"

namespace switchboard {

void add_merge_schema(Schema& schema) {
  constexpr bool kIndexed = true;
  // HD Ticket already has Helpdesk's own is_merged / merged_with; leads get a custom field.
  schema.add_field("CRM Lead",
                   FieldDef{std::string(merge_pointer_field("CRM Lead")), FieldType::kText, {}, kIndexed});

  // One row per record merged into another: who, when, by which key, and what moved.
  DocTypeDef log;
  log.name = kMergeLogDoctype;
  log.naming = NamingRule::kHash;
  log.fields = {{"reference_doctype"},
                {"source_name", FieldType::kText, {}, kIndexed},
                {"target_name", FieldType::kText, {}, kIndexed},
                {"phone_key"},
                {"merged_on", FieldType::kDatetime},
                {"trigger"},
                {"moved"},
                {"removed"},
                {"filled"},
                {"source_before"}};
  schema.add(std::move(log));
}

}  // namespace switchboard
