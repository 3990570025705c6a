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
  log.fields = {{"category", FieldType::kText, {}, kIndexed},
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
