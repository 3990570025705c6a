// The doctypes of a Frappe CRM + Helpdesk + ERPNext site that switchboard reads or writes:
// Frappe's names, fields, naming rules and default records. Areas add their own fields on top
// (src/standard composes them).
#include "model/model_schema.h"

#include "switchboard/model.h"
#include "switchboard/schema.h"
#include "switchboard/store.h"

namespace switchboard {
namespace {

FieldDef text(const char* name, bool indexed = false) {
  FieldDef f;
  f.name = name;
  f.indexed = indexed;
  return f;
}
// Frappe's Data: one line of at most 140 characters.
FieldDef data(const char* name, bool indexed = false) {
  FieldDef f = text(name, indexed);
  f.single_line = true;
  f.max_length = 140;
  return f;
}
FieldDef text_default(const char* name, const char* value, bool indexed = false) {
  FieldDef f = text(name, indexed);
  f.default_value = Value(value);
  return f;
}
FieldDef integer(const char* name, bool indexed = false, std::int64_t def = 0) {
  FieldDef f;
  f.name = name;
  f.type = FieldType::kInt;
  f.indexed = indexed;
  f.default_value = Value(def);
  return f;
}
FieldDef real(const char* name) {
  FieldDef f;
  f.name = name;
  f.type = FieldType::kReal;
  return f;
}
FieldDef date(const char* name, bool indexed = false) {
  FieldDef f = text(name, indexed);
  f.type = FieldType::kDate;
  return f;
}
FieldDef datetime(const char* name, bool indexed = false) {
  FieldDef f = text(name, indexed);
  f.type = FieldType::kDatetime;
  return f;
}
FieldDef unique(FieldDef f) {
  f.unique = true;
  f.indexed = true;
  return f;
}

DocTypeDef parent(const char* name, NamingRule naming, const char* arg,
                  std::vector<FieldDef> fields) {
  DocTypeDef d;
  d.name = name;
  d.naming = naming;
  d.naming_arg = arg;
  d.fields = std::move(fields);
  return d;
}

DocTypeDef child(const char* name, std::vector<FieldDef> fields) {
  DocTypeDef d;
  d.name = name;
  d.is_child = true;
  d.naming = NamingRule::kHash;
  d.fields = std::move(fields);
  return d;
}

Document status(std::initializer_list<Document::Field> f) { return Document(f); }

}  // namespace

Schema frappe_schema() {
  Schema s;
  using NR = NamingRule;

  // ---- Frappe core ----------------------------------------------------------------------
  s.add(parent("Series", NR::kHash, "", {integer("current")}));  // name = series prefix

  auto dynamic_link = child("Dynamic Link", {text("link_doctype"), text("link_name"), text("link_title")});
  dynamic_link.indexes = {{"link_doctype", "link_name"}};
  s.add(dynamic_link);

  auto comm_link = child("Communication Link", {text("link_doctype"), text("link_name"), text("link_title")});
  comm_link.indexes = {{"link_doctype", "link_name"}};
  s.add(comm_link);

  auto communication = parent(
      "Communication", NR::kHash, "",
      {text_default("communication_type", "Communication"),
       text_default("communication_medium", "Email"), text_default("sent_or_received", "Received"),
       text("subject"), text("content"), text("text_content"), data("sender", true),
       data("sender_full_name"), text("recipients"), text("cc"), text("bcc"),
       text("message_id", true), text("in_reply_to", true), text("reference_doctype"),
       text("reference_name"), text("reference_owner"), text_default("status", "Open"),
       text("email_account"), datetime("communication_date"), text_default("email_status", "Open"),
       integer("has_attachment"), integer("seen"), integer("read_by_recipient"),
       text("delivery_status"), text("user"), text("_user_tags")});
  communication.indexes = {{"reference_doctype", "reference_name"}};
  communication.tables = {{"timeline_links", "Communication Link"}};
  s.add(communication);

  auto comment = parent("Comment", NR::kHash, "",
                        {text_default("comment_type", "Comment"), text("comment_email"),
                         text("comment_by"), text("subject"), text("content"),
                         text("reference_doctype"), text("reference_name"), integer("published"),
                         integer("seen")});
  comment.indexes = {{"reference_doctype", "reference_name"}};
  s.add(comment);

  auto file = parent("File", NR::kHash, "",
                     {text("file_name"), text("file_url", true), integer("is_private"),
                      integer("file_size"), text("content_hash", true), text("attached_to_doctype"),
                      text("attached_to_name"), text("attached_to_field"),
                      text_default("folder", "Home/Attachments"), integer("is_folder")});
  file.indexes = {{"attached_to_doctype", "attached_to_name"}};
  s.add(file);

  s.add(parent("Error Log", NR::kHash, "",
               {text("method"), text("error"), text("reference_doctype"), text("reference_name"),
                integer("seen"), text("trace_id")}));

  // ---- Contacts ---------------------------------------------------------------------------
  s.add(child("Contact Email", {data("email_id", true), integer("is_primary")}));
  s.add(child("Contact Phone", {data("phone", true), integer("is_primary_phone"),
                                integer("is_primary_mobile_no")}));
  auto contact = parent(
      "Contact", NR::kField, "full_name",
      {data("salutation"), data("first_name"), data("middle_name"), data("last_name"),
       data("full_name"), data("email_id", true), data("phone", true), data("mobile_no", true),
       text("company_name"), text("designation"), text("gender"), text_default("status", "Passive"),
       text("user"), integer("unsubscribed"), integer("is_primary_contact"), text("image"),
       text("address")});
  contact.dedupe_separator = "-";
  contact.tables = {{"email_ids", "Contact Email"}, {"phone_nos", "Contact Phone"},
                    {"links", "Dynamic Link"}};
  s.add(contact);

  // ---- Order history rows (child of HD Ticket, CRM Lead and CRM Deal) ---------------------
  s.add(child("Order History",
              {text("sales_order", true), text("sales_order_item"), date("order_date"),
               text("item_code"), text("item_name"), real("qty"), real("rate"), real("amount"),
               text_default("delivery_status", "Not Delivered"), date("delivery_date"),
               text("order_status"), text("ops_status"), text("custom_ingredients_status"),
               text("pro_status"), text("qa_status"), text("aggregate_production_status")}));

  // ---- Frappe CRM -------------------------------------------------------------------------
  auto lead_status = parent("CRM Lead Status", NR::kField, "lead_status",
                            {text("lead_status"), text_default("type", "Open"),
                             integer("position"), text("color")});
  s.add(lead_status);
  auto lead = parent(
      "CRM Lead", NR::kSeries, "CRM-LEAD-.YYYY.-.#####",
      {data("salutation"), data("first_name"), data("middle_name"), data("last_name"),
       data("lead_name"), data("email", true), data("mobile_no", true), data("phone", true),
       text_default("status", "New", true), text("source"), text("organization"),
       text("website"), text("job_title"), text("industry"), text("territory"),
       real("annual_revenue"), text("no_of_employees"), text("lead_owner"),
       integer("converted", true), text("gender"), text("image"),
       text_default("communication_status", "Open"), text("_assign"),
       text("custom_reply_email_alias")});
  lead.tables = {{"custom_order_history", "Order History"}};
  s.add(lead);

  s.add(parent("CRM Deal Status", NR::kField, "deal_status",
               {text("deal_status"), text_default("type", "Open"), integer("position"),
                text("color"), real("probability")}));
  s.add(child("CRM Deal Sales Orders", {text("sales_order", true)}));
  auto deal = parent(
      "CRM Deal", NR::kSeries, "CRM-DEAL-.YYYY.-.#####",
      {text("organization"), text("lead", true), text("contact", true),
       text_default("status", "Qualification", true), text("deal_owner"), text("source"),
       text("territory"), real("annual_revenue"), real("probability"), real("deal_value"),
       real("expected_deal_value"), date("expected_closure_date"), date("closed_date"),
       text("currency"), data("salutation"), data("first_name"), data("last_name"),
       data("email", true), data("mobile_no", true), data("phone", true), text("next_step"),
       text_default("communication_status", "Open"), text("_assign")});
  deal.tables = {{"sales_orders", "CRM Deal Sales Orders"},
                 {"custom_order_history", "Order History"}};
  s.add(deal);

  auto crm_call = parent(
      "CRM Call Log", NR::kField, "id",
      {text("id", true), text("type"), text("status"), data("from"), data("to"),
       real("duration"), datetime("start_time"), datetime("end_time"), text("recording_url"),
       text_default("reference_doctype", "CRM Lead"), text("reference_docname"),
       text("telephony_medium"), data("receiver"), data("caller"), text("note"),
       text("transcript"), text("recording_file")});
  crm_call.indexes = {{"reference_doctype", "reference_docname"}};
  crm_call.tables = {{"links", "Dynamic Link"}};
  s.add(crm_call);

  s.add(parent("RingCentral CRM Payload", NR::kHash, "",
               {text("payload"), text_default("processing_status", "Pending", true),
                text("error_message"), text("event_id", true)}));

  // ---- Helpdesk ---------------------------------------------------------------------------
  s.add(parent("HD Ticket Status", NR::kField, "label_agent",
               {text("label_agent"), text("label_customer"), text_default("category", "Open"),
                integer("order"), integer("enabled", false, 1), text("color")}));
  auto ticket = parent(
      "HD Ticket", NR::kSeries, ".####",
      {data("subject"), data("raised_by", true), text_default("status", "Open", true),
       text("status_category"), text_default("priority", "Medium"), text("ticket_type"),
       text("agent_group"), text("contact", true), text("customer", true), text("description"),
       integer("via_customer_portal"), text("email_account"), date("opening_date"),
       text("opening_time"), datetime("resolution_date"), datetime("first_responded_on"),
       integer("is_merged"), text("merged_with", true), text("ticket_split_from", true),
       text("custom_reply_email_alias"),
       data("contact_mobile", true),
       data("contact_number"), text("_assign")});
  ticket.tables = {{"custom_order_history", "Order History"}};
  s.add(ticket);

  auto hd_call = parent(
      "Helpdesk Call Log", NR::kField, "call_id",
      {unique(text("call_id")), text("session_id", true), text("type"), text("status"),
       data("from_number"), data("to_number"), text("ticket", true),
       text("contact", true), text("recording_url"), text("ringcentral_recording_url"),
       text("recording_file"), text("transcript"), real("duration"), datetime("start_time"),
       datetime("end_time")});
  s.add(hd_call);

  // ---- ERPNext ----------------------------------------------------------------------------
  auto customer = parent("Customer", NR::kField, "customer_name",
                         {data("customer_name", true), text_default("customer_type", "Individual"),
                          text("customer_group"), text("territory"),
                          text("customer_primary_contact"), data("mobile_no"), text("email_id"),
                          integer("disabled")});
  customer.dedupe_separator = " - ";
  s.add(customer);

  s.add(child("Sales Order Item",
              {text("item_code", true), text("item_name"), real("qty"), real("rate"),
               real("amount"), date("delivery_date"), real("delivered_qty"),
               real("work_order_qty"), text("description"), text("uom")}));
  auto so = parent(
      "Sales Order", NR::kSeries, "SAL-ORD-.YYYY.-.#####",
      {text("customer", true), data("customer_name", true), date("transaction_date"),
       date("delivery_date"), text_default("status", "Draft"), text("delivery_status"),
       text("billing_status"), real("per_delivered"), real("net_total"), real("grand_total"),
       text("contact_person"), text("contact_mobile"), text("contact_phone"),
       text("contact_email"), text("company"), text("currency"), text("shopify_order_number")});
  so.tables = {{"items", "Sales Order Item"}};
  s.add(so);

  auto wo = parent(
      "Work Order", NR::kSeries, "MFG-WO-.YYYY.-.#####",
      {text("production_item"), text("item_name"), real("qty"), real("produced_qty"),
       text("sales_order", true), text("sales_order_item", true), text_default("status", "Draft"),
       text("custom_production_status"), text("custom_ingredients_status"),
       text("custom_qa_status"), text("custom_ops_status"), datetime("planned_start_date"),
       text("company")});
  s.add(wo);

  // ---- switchboard's own ------------------------------------------------------------------
  // The site's facts (SiteConfig): lists are one entry per line, as a desk user edits them;
  // and what the stored phone keys were computed with (phone_keys_signature).
  s.add(parent(kSiteSettingsDoctype, NR::kSingle, "",
               {text("region"), text("fallback_regions"), text("company_domains"),
                text("internal_domains"), text("support_aliases"), text("sales_aliases"),
                text("info_aliases"), text("open_ticket_statuses"),
                text("closed_ticket_statuses"), text("closed_lead_statuses"),
                text("company_numbers"), text("brands"), text(kPhoneKeysSignatureField)}));
  return s;
}

const std::vector<std::pair<std::string, Document>>& standard_records() {
  static const std::vector<std::pair<std::string, Document>> kRecords = [] {
    std::vector<std::pair<std::string, Document>> r;
    int pos = 0;
    for (auto [label, type] : std::initializer_list<std::pair<const char*, const char*>>{
             {"New", "Open"}, {"Contacted", "Ongoing"}, {"Nurture", "Ongoing"},
             {"Qualified", "Won"}, {"Unqualified", "Lost"}, {"Junk", "Lost"}}) {
      r.emplace_back("CRM Lead Status",
                     status({{"lead_status", label}, {"type", type}, {"position", ++pos}}));
    }
    pos = 0;
    for (auto [label, type, probability] :
         std::initializer_list<std::tuple<const char*, const char*, double>>{
             {"Qualification", "Open", 10}, {"Demo/Making", "Ongoing", 25},
             {"Proposal/Quotation", "Ongoing", 50}, {"Negotiation", "Ongoing", 70},
             {"Ready to Close", "Ongoing", 90}, {"Won", "Won", 100}, {"Lost", "Lost", 0}}) {
      r.emplace_back("CRM Deal Status", status({{"deal_status", label},
                                                {"type", type},
                                                {"position", ++pos},
                                                {"probability", probability}}));
    }
    pos = 0;
    for (auto [label, category] : std::initializer_list<std::pair<const char*, const char*>>{
             {"Open", "Open"}, {"Replied", "Paused"}, {"Resolved", "Resolved"},
             {"Closed", "Resolved"}}) {
      r.emplace_back("HD Ticket Status", status({{"label_agent", label},
                                                 {"label_customer", label},
                                                 {"category", category},
                                                 {"order", ++pos},
                                                 {"enabled", 1}}));
    }
    return r;
  }();
  return kRecords;
}

void seed_standard_records(Store& store) {
  Transaction tx(store);
  for (const auto& [doctype, doc] : standard_records()) {
    const DocTypeDef* def = store.schema().find(doctype);
    if (def && !store.exists(doctype, doc.text(def->naming_arg))) store.insert(doctype, doc);
  }
  tx.commit();
}

}  // namespace switchboard
