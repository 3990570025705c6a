// Doctypes and fields transfers and order history own (issue: conversations and orders).
//
// Everything they read and write is already in the standard schema, with the indexes their
// lookups use: Communication (reference_doctype + reference_name, message_id, in_reply_to),
// Communication Link and Comment (reference pairs), File (attached_to_doctype +
// attached_to_name), Contact Email.email_id, Contact Phone.phone, Customer.customer_name,
// Sales Order.customer, Work Order.sales_order / sales_order_item, the "Order History" child
// doctype and CRM Deal's "sales_orders" table. A site's Work Order ops-status field is read
// by name (OrderHistoryOptions::ops_status_field) and needs no declaration.
#include "store/schema_standard.h"
#include "switchboard/schema.h"

namespace switchboard {

void add_conversation_schema(Schema& schema) { (void)schema; }

}  // namespace switchboard
