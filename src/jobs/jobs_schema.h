// Internal: the queue's doctype "Switchboard Job", declared to the site model.
#pragma once

namespace switchboard {
class Schema;
/// Adds "Switchboard Job" (see jobs.h) with the indexes leasing walks.
void add_jobs_schema(Schema& schema);
}  // namespace switchboard
