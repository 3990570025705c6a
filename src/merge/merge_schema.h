// Internal: the fields and doctypes merging owns, declared to the site model.
#pragma once

namespace switchboard {
class Schema;
/// Merge pointers on CRM Lead and the merge audit doctype.
void add_merge_schema(Schema& schema);
}  // namespace switchboard
