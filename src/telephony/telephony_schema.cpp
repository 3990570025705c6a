// Doctypes and fields call logging owns (issue: phone calls).
#include "store/schema_standard.h"
#include "switchboard/schema.h"

namespace switchboard {

void add_telephony_schema(Schema& schema) { (void)schema; }

}  // namespace switchboard
