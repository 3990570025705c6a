// Doctypes and fields the email router owns (issue: email routing).
#include "store/schema_standard.h"
#include "switchboard/schema.h"

namespace switchboard {

void add_routing_schema(Schema& schema) { (void)schema; }

}  // namespace switchboard
