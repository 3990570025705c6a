// Doctypes and fields the email router owns (issue: email routing).
//
// The router needs no custom field: it reads and writes Frappe's own columns, and every
// column it looks up is already indexed by the standard schema (Communication.message_id,
// HD Ticket.raised_by, CRM Lead.email, Contact Email.email_id, CRM Lead.custom_merged_into,
// HD Ticket.merged_with). The hook stays so that a routing field has one place to go.
#include "store/schema_standard.h"
#include "switchboard/schema.h"

namespace switchboard {

void add_routing_schema(Schema& schema) { (void)schema; }

}  // namespace switchboard
