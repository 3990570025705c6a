// Python bindings for transfers, deals and order history. Results that the original scripts
// return as dicts are dicts; every call that reaches the store releases the GIL.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "casters.h"
#include "errors.h"
#include "switchboard/conversations.h"
#include "switchboard/orders.h"

namespace py = pybind11;
using release_gil = py::call_guard<py::gil_scoped_release>;

namespace switchboard::python {
namespace {

TransferOptions transfer_options(std::optional<std::vector<std::string>> ids, bool delete_source,
                                 std::optional<std::vector<std::string>> internal_domains,
                                 std::string region) {
  TransferOptions o;
  o.communication_ids = std::move(ids);
  o.delete_source = delete_source;
  o.internal_domains = std::move(internal_domains);
  o.region = std::move(region);
  return o;
}

py::dict transfer_dict(const TransferResult& r, const char* name_key) {
  py::dict d;
  d["success"] = r.success;
  d[name_key] = r.name;
  d["transferred_count"] = r.transferred_count;
  d["contact"] = r.contact.empty() ? py::object(py::none()) : py::object(py::str(r.contact));
  d["customer_email"] =
      r.customer_email.empty() ? py::object(py::none()) : py::object(py::str(r.customer_email));
  d["note"] = r.note;
  d["source_deleted"] = r.source_deleted;
  py::dict copies;
  for (const auto& [from, to] : r.copies) copies[py::str(from)] = to;
  d["copies"] = copies;
  return d;
}

using TransferFn = TransferResult (*)(Store&, std::string_view, const TransferOptions&);

// Binds one transfer direction; `name_key` is the original scripts' key for the new record's name.
void def_transfer(py::module_& m, const char* name, TransferFn fn, const char* source_arg,
                  const char* name_key, const char* doc) {
  m.def(
      name,
      [fn, name_key](Store& store, const Name& source,
                     std::optional<std::vector<std::string>> ids, bool delete_source,
                     std::optional<std::vector<std::string>> internal_domains, std::string region) {
        TransferOptions o = transfer_options(std::move(ids), delete_source,
                                             std::move(internal_domains), std::move(region));
        TransferResult r;
        {
          py::gil_scoped_release release;
          r = fn(store, source.value, o);
        }
        return transfer_dict(r, name_key);
      },
      py::arg("store").none(false), py::arg(source_arg), py::arg("communication_ids") = py::none(),
      py::arg("delete_source") = true, py::arg("internal_domains") = py::none(),
      py::arg("region") = "", doc);
}

}  // namespace

void init_conversations(py::module_& m) {
  m.def(
      "list_communications",
      [](Store& store, const std::string& doctype, const Name& name) {
        return list_communications(store, doctype, name.value);
      },
      py::arg("store").none(false), py::arg("doctype"), py::arg("name"), release_gil(),
        "The email Communications filed on a record, oldest first, as dicts with name, subject, "
        "sender, sender_full_name, recipients, creation, content, text_content, message_id, "
        "in_reply_to, sent_or_received, communication_date and has_attachment.");
  m.def(
      "copy_communication",
      [](Store& store, const std::string& communication, const std::string& target_doctype,
         const Name& target_name) {
        return copy_communication(store, communication, target_doctype, target_name.value);
      },
      py::arg("store").none(false), py::arg("communication"), py::arg("target_doctype"),
      py::arg("target_name"), release_gil(),
        "Copies a Communication (every field, message id kept, status 'Linked', File "
        "attachments too) onto another record, strictly newer than the original; returns the "
        "copy's name. One transaction.");
  def_transfer(m, "transfer_lead_to_ticket", &transfer_lead_to_ticket, "lead", "ticket_name",
               "Moves a CRM Lead's emails to a new HD Ticket in one transaction. "
               "communication_ids=None copies every email, [] none. internal_domains=None and "
               "region='' take the store's site facts. Returns {'success', "
               "'ticket_name', 'transferred_count', 'contact', 'customer_email', 'note', "
               "'source_deleted', 'copies': {original: copy}}.");
  def_transfer(m, "transfer_ticket_to_lead", &transfer_ticket_to_lead, "ticket", "lead_name",
               "Moves an HD Ticket's emails to a new CRM Lead (source 'Support Transfer') in one "
               "transaction. Returns {'success', 'lead_name', 'transferred_count', ...} as "
               "transfer_lead_to_ticket does.");
  m.def("split_name", &split_name, py::arg("full_name"),
        "(first, last) of a person's name: 'Doe, John' -> ('John', 'Doe'); middle names stay "
        "with the first name; a single name is (name, '').");
  m.def("reply_from_address", &reply_from_address, py::arg("store"), py::arg("doctype"),
        py::arg("name"), py::call_guard<py::gil_scoped_release>(),
        "The address an agent's reply on an HD Ticket or CRM Lead goes out from: its "
        "custom_reply_email_alias, else the alias its customer last wrote to, else its brand's "
        "default, else the site's; '' when the site has no alias.");
  m.def("extract_customer_email", &extract_customer_email, py::arg("candidates"),
        py::arg("internal_domains") = std::vector<std::string>{},
        "The first address outside the internal domains (and their subdomains) among address "
        "lists, normalized; '' when none.");

  m.def(
      "validate_deal",
      [](Store& store, const NewDocument& deal) {
        const std::vector<Document>* rows = nullptr;
        for (const auto& [field, list] : deal.children)
          if (field == "sales_orders") rows = &list;
        py::gil_scoped_release release;
        validate_deal(store, deal.doc, rows);
      },
      py::arg("store").none(false), py::arg("deal"),
      "Raises ValidationError (the original scripts' message) when the deal's status is of type "
      "Won and it has no Sales Order: rows from deal['sales_orders'] when given, else the stored "
      "rows.");
  m.attr("DEAL_NEEDS_SALES_ORDER") = kDealNeedsSalesOrder;
  m.def("aggregate_production_status", &aggregate_production_status, py::arg("statuses"),
        "One status over several Work Orders: 'N/A' when none is known, else the highest "
        "blocker (CANCELLED > BLOCKED FACTORY > BLOCKED OPS > QA REWORK), else DONE / NEW / "
        "WIP, else the first value not DONE/COMPLETED. None, blanks, case and '_' are handled.");
  m.def("match_customers", &match_customers, py::arg("store").none(false), py::arg("customer_name"),
        release_gil(),
        "Customer names whose customer_name equals customer_name ignoring case and surrounding "
        "whitespace.");
  m.def(
      "sync_order_history",
      [](Store& store, const std::string& doctype, const Name& record,
         const std::string& customer_name, const std::string& ops_status_field) {
        const std::string& name = record.value;
        OrderHistoryOptions o;
        o.ops_status_field = ops_status_field;
        OrderHistoryResult r;
        {
          py::gil_scoped_release release;
          r = sync_order_history(store, doctype, name, customer_name, o);
        }
        py::dict d;
        d["success"] = r.success;
        d["message"] = r.message;
        d["items"] = r.items;
        d["orders"] = r.orders;
        d["customers"] = r.customers;
        return d;
      },
      py::arg("store").none(false), py::arg("doctype"), py::arg("name"), py::arg("customer_name"),
      py::arg("ops_status_field") = "custom_ops_status",
      "Rebuilds the 'Order History' rows (parentfield 'custom_order_history') of an HD Ticket, "
      "CRM Lead or CRM Deal from the matching customers' Sales Orders and Work Orders, replacing "
      "earlier rows, in one transaction. Returns {'success', 'message', 'items', 'orders', "
      "'customers'}.");
}

}  // namespace switchboard::python
