// The decision log: one row per routed mail (or per step, as RoutingRules::route_log says).
#include "routing/routing_schema.h"

#include "switchboard/routing.h"
#include "switchboard/schema.h"

namespace switchboard {

void add_routing_schema(Schema& schema) {
  constexpr bool kIndexed = true;
  DocTypeDef log;
  log.name = kRouteLogDoctype;
  log.naming = NamingRule::kHash;
  // Indexed: what a reader looks a decision up by (the mail, the sender, the record). The
  // category (a score of values) gets none: it would cost every routed mail an index write
  // (~3% of a batch) for a filter that matches thousands of rows.
  log.fields = {{"category"},
                {"message"},
                {"action"},
                {"reason"},
                {"reference_doctype"},
                {"reference_name"},
                {"message_id", FieldType::kText, {}, kIndexed},
                {"sender", FieldType::kText, {}, kIndexed},
                {"match"},
                {"policy"},
                {"mail_kind"},
                {"communication"}};
  log.indexes = {{"reference_doctype", "reference_name"}};
  schema.add(std::move(log));
}

}  // namespace switchboard
