// The queue's doctype: one row per job. Times are Int (absolute Unix seconds), like the
// RingCentral settings' expiry fields, so they compare the same on every backend.
#include "jobs/jobs_schema.h"

#include "switchboard/jobs.h"
#include "switchboard/schema.h"

namespace switchboard {
namespace {
FieldDef field(const char* name, FieldType type = FieldType::kText, bool indexed = false) {
  return FieldDef{name, type, {}, indexed};
}
}  // namespace

void add_jobs_schema(Schema& schema) {
  DocTypeDef job;
  job.name = kJobDoctype;
  job.naming = NamingRule::kHash;
  FieldDef key = field("job_key", FieldType::kText, true);
  key.unique = true;  // idempotent enqueue; nulls are exempt
  FieldDef state = field("state", FieldType::kText, true);
  state.default_value = Value("Queued");
  job.fields = {field("kind", FieldType::kText, true),
                key,
                state,
                field("payload"),
                field("run_after", FieldType::kInt),
                field("attempts", FieldType::kInt),
                field("max_attempts", FieldType::kInt),
                field("lease_owner"),
                field("lease_expires", FieldType::kInt),
                field("last_error"),
                field("result"),
                field("finished_at", FieldType::kInt)};
  // Leasing: due queued jobs by run_after, expired leases by lease_expires; purging by age.
  job.indexes = {{"state", "run_after"}, {"state", "lease_expires"}, {"state", "finished_at"}};
  schema.add(std::move(job));
}

}  // namespace switchboard
