// Python bindings for inbound email and the router: InboundEmail, RoutingRules, Router,
// RouteResult and the pure text helpers. The GIL is released while C++ parses or routes.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/typing.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "casters.h"
#include "errors.h"
#include "switchboard/email.h"
#include "switchboard/routing.h"

namespace py = pybind11;
using release_gil = py::call_guard<py::gil_scoped_release>;

namespace switchboard::python {
namespace {

std::string to_bytes(const py::handle& src) {
  if (py::isinstance<py::bytes>(src)) return src.cast<std::string>();
  if (py::isinstance<py::str>(src)) return src.cast<std::string>();
  if (py::isinstance<py::bytearray>(src) || py::isinstance<py::memoryview>(src))
    return py::module_::import("builtins").attr("bytes")(src).cast<std::string>();
  throw ValidationError("expected bytes or str", ErrorCode::kInvalidArgument);
}

using JsonDict = py::typing::Dict<py::str, py::object>;
JsonDict json_loads(const std::string& text) {
  return py::module_::import("json").attr("loads")(text).cast<py::dict>();
}

using Raw = py::typing::Union<py::bytes, py::bytearray, py::memoryview, py::str>;

// Router::plan or route without the GIL. The router turns errors into a result, so an
// interrupt (KeyboardInterrupt in a Python backend) is raised here, after the rollback.
template <RouteResult (Router::*method)(const InboundEmail&) const>
RouteResult without_gil(const Router& router, const InboundEmail& email) {
  RouteResult r = [&] {
    py::gil_scoped_release release;
    return (router.*method)(email);
  }();
  raise_pending_interrupt();
  return r;
}

}  // namespace

void init_email(py::module_& m) {
  py::class_<BounceReport>(m, "BounceReport",
                           "What a delivery-status notification (RFC 3464) says about the mail "
                           "that bounced.")
      .def(py::init<>())
      .def_readwrite("dsn", &BounceReport::dsn)
      .def_readwrite("original_message_id", &BounceReport::original_message_id)
      .def_readwrite("final_recipient", &BounceReport::final_recipient)
      .def_readwrite("action", &BounceReport::action)
      .def_readwrite("status", &BounceReport::status)
      .def_property_readonly("permanent", &BounceReport::permanent, "True for a 5.x.x status.");

  py::class_<InboundEmail> email(m, "InboundEmail", R"doc(
One inbound mail as the router sees it: the fields of a Frappe Communication plus the
threading headers Frappe does not keep. Build it from keyword arguments, or parse real mail
with ``InboundEmail.from_rfc822(raw_bytes)`` (GMime). Address fields take addresses or
address lists as written ("Ann <ann@x.com>, bob@y.com"); ``headers`` takes a dict or a list
of (name, value) pairs.)doc");
  email
      .def(py::init([](std::string message_id, std::string sender, std::string sender_full_name,
                       Addresses to, Addresses cc, std::string subject,
                       std::string in_reply_to, Addresses references, Headers headers,
                       std::string sent_or_received, std::string email_account, std::string content,
                       std::string text_content, std::string reply_to, Addresses delivered_to,
                       std::string date,
                       bool has_attachment, std::string reference_doctype,
                       std::string reference_name, std::string communication) {
             InboundEmail e;
             e.message_id = std::move(message_id);
             e.sender = std::move(sender);
             e.sender_full_name = std::move(sender_full_name);
             e.to = std::move(to.items);
             e.cc = std::move(cc.items);
             e.subject = std::move(subject);
             e.in_reply_to = std::move(in_reply_to);
             e.references = std::move(references.items);
             e.headers = std::move(headers.items);
             e.sent_or_received = std::move(sent_or_received);
             e.email_account = std::move(email_account);
             e.content = std::move(content);
             e.text_content = std::move(text_content);
             e.reply_to = std::move(reply_to);
             e.delivered_to = std::move(delivered_to.items);
             e.date = std::move(date);
             e.has_attachment = has_attachment;
             e.reference_doctype = std::move(reference_doctype);
             e.reference_name = std::move(reference_name);
             e.communication = std::move(communication);
             return e;
           }),
           py::kw_only(), py::arg("message_id") = "", py::arg("sender") = "",
           py::arg("sender_full_name") = "", py::arg("to") = py::none(), py::arg("cc") = py::none(),
           py::arg("subject") = "", py::arg("in_reply_to") = "", py::arg("references") = py::none(),
           py::arg("headers") = py::none(), py::arg("sent_or_received") = "Received",
           py::arg("email_account") = "", py::arg("content") = "", py::arg("text_content") = "",
           py::arg("reply_to") = "", py::arg("delivered_to") = py::none(), py::arg("date") = "",
           py::arg("has_attachment") = false, py::arg("reference_doctype") = "",
           py::arg("reference_name") = "", py::arg("communication") = "")
      .def_static(
          "from_rfc822",
          [](const Raw& raw, const std::string& email_account, std::optional<std::size_t> max_bytes,
             std::optional<std::size_t> max_parts) {
            MailLimits limits;
            if (max_bytes) limits.max_bytes = *max_bytes;
            if (max_parts) limits.max_parts = *max_parts;
            if (py::isinstance<py::bytes>(raw)) {  // read in place: bytes never change
              char* data = nullptr;
              Py_ssize_t size = 0;
              if (PyBytes_AsStringAndSize(raw.ptr(), &data, &size) != 0) throw py::error_already_set();
              py::gil_scoped_release release;
              return InboundEmail::from_rfc822(std::string_view(data, static_cast<std::size_t>(size)),
                                               email_account, limits);
            }
            std::string bytes = to_bytes(raw);
            py::gil_scoped_release release;
            return InboundEmail::from_rfc822(bytes, email_account, limits);
          },
          py::arg("raw"), py::arg("email_account") = "", py::kw_only(),
          py::arg("max_bytes") = py::none(), py::arg("max_parts") = py::none(),
          "Parses a raw RFC 5322 message (bytes) with GMime. Raises ParseError when it holds no "
          "header field. Body text beyond max_bytes (default 25 MiB) and parts beyond max_parts "
          "(default 100) are left out; ``omitted`` says what and why.")
      .def_static("from_json", &InboundEmail::from_json, py::arg("json"), release_gil(),
                  "A mail from a JSON object with the field names of InboundEmail.")
      .def("to_json", &InboundEmail::to_json, release_gil())
      .def(
          "header",
          [](const InboundEmail& e, const std::string& name) -> py::typing::Optional<py::str> {
            const std::string* v = e.header(name);
            return v ? py::typing::Optional<py::str>(py::str(*v)) : py::typing::Optional<py::str>(py::none());
          },
          py::arg("name"), "The first value of a header field (case-insensitive), or None.")
      .def_readwrite("message_id", &InboundEmail::message_id)
      .def_readwrite("synthetic_message_id", &InboundEmail::synthetic_message_id)
      .def_readwrite("sender", &InboundEmail::sender)
      .def_readwrite("sender_full_name", &InboundEmail::sender_full_name)
      .def_readwrite("reply_to", &InboundEmail::reply_to)
      .def_readwrite("to", &InboundEmail::to)
      .def_readwrite("cc", &InboundEmail::cc)
      .def_readwrite("delivered_to", &InboundEmail::delivered_to)
      .def_readwrite("subject", &InboundEmail::subject)
      .def_readwrite("in_reply_to", &InboundEmail::in_reply_to)
      .def_readwrite("references", &InboundEmail::references)
      .def_readwrite("omitted", &InboundEmail::omitted,
                     "What from_rfc822 left out because of its limits, one reason per line.")
      .def_property(
          "headers", [](const InboundEmail& e) { return e.headers; },
          [](InboundEmail& e, Headers v) { e.headers = std::move(v.items); })
      .def_readwrite("sent_or_received", &InboundEmail::sent_or_received)
      .def_readwrite("email_account", &InboundEmail::email_account)
      .def_readwrite("content", &InboundEmail::content)
      .def_readwrite("text_content", &InboundEmail::text_content)
      .def_readwrite("date", &InboundEmail::date)
      .def_readwrite("date_unix", &InboundEmail::date_unix,
                     "The Date header's instant (Unix seconds) or None; a Router writes it in its "
                     "store's time_zone.")
      .def_readwrite("has_attachment", &InboundEmail::has_attachment)
      .def_readwrite("reference_doctype", &InboundEmail::reference_doctype)
      .def_readwrite("reference_name", &InboundEmail::reference_name)
      .def_readwrite("communication", &InboundEmail::communication)
      .def_readwrite("bounce", &InboundEmail::bounce)
      .def("__repr__", [](const InboundEmail& e) {
        return "<InboundEmail " + e.message_id + " from " + e.sender + ": " + utf8_prefix(e.subject, 40) + ">";
      });

  m.def(
      "parse_mbox",
      [](const Raw& raw, const std::string& email_account) {
        std::string bytes = to_bytes(raw);
        py::gil_scoped_release release;
        return parse_mbox(bytes, email_account);
      },
      py::arg("mbox"), py::arg("email_account") = "",
      "Splits an mbox file into InboundEmails (GMime's mbox parser).");
  m.def("synthetic_message_id", &synthetic_message_id, py::arg("email"), release_gil(),
        "The deterministic Message-ID the router gives a mail built from fields that has none.");

  py::class_<EmailAddress>(m, "EmailAddress", "A normalized address split into parts.")
      .def_readonly("address", &EmailAddress::address)
      .def_readonly("local", &EmailAddress::local)
      .def_readonly("domain", &EmailAddress::domain)
      .def_readonly("tag", &EmailAddress::tag)
      .def_property_readonly("base", &EmailAddress::base, "local@domain without the +tag.")
      .def("__bool__", [](const EmailAddress& a) { return !a.empty(); })
      .def("__repr__", [](const EmailAddress& a) { return "<EmailAddress " + a.address + ">"; });
  m.def("parse_email_address", &parse_email_address, py::arg("raw"), py::arg("plus_delimiter") = "+",
        "Normalizes an address (case, IDNA, quotes, brackets) and splits off its +tag.");
  m.def("normalize_email", &normalize_email, py::arg("raw"),
        "The normalized address, or '' when `raw` is not one.");
  m.def(
      "parse_address_list",
      [](const std::string& value) {
        std::vector<std::pair<std::string, std::string>> out;
        for (auto& b : parse_address_list(value)) out.emplace_back(std::move(b.name), std::move(b.address));
        return out;
      },
      py::arg("value"), "(name, address) pairs of an address-list header, parsed by GMime.");
  m.def("clean_display_name", &clean_display_name, py::arg("name"), py::arg("address") = "",
        "Quotes, comments and 'Last, First' handled; '' when the name is unusable.");
  m.def("name_from_address", &name_from_address, py::arg("address"),
        "The original scripts' name from an address: 'john.doe@x' -> 'John Doe'.");
  m.def("title_case", &title_case, py::arg("text"), "Python's str.title() for any Unicode letters.");
  m.def("normalize_subject", &normalize_subject, py::arg("subject"),
        "The subject without reply/forward prefixes in many languages (for comparisons).");
  m.def("truncate_subject", &truncate_subject, py::arg("subject"), py::arg("max_chars") = 140,
        py::arg("placeholder") = "(no subject)",
        "The subject to store: max_chars Unicode characters at most ('...' ending), placeholder "
        "when empty.");
  m.def(
      "classify_mail", [](const InboundEmail& e) { return std::string(mail_kind_name(classify_mail(e))); },
      py::arg("email"),
      "'human', 'auto_reply', 'out_of_office', 'mailing_list' or 'bounce', from the headers.");

  py::class_<RoutingRules> rules(m, "RoutingRules", R"doc(
Everything the router decides by besides the site's facts. Aliases, internal domains and open
statuses come from the store's ``SiteConfig``; the fields repeating them are overrides (None,
the default: the site's). The other defaults are the original scripts' behaviour; risky rules
are explicit policies. Pass any field as a keyword argument
(``RoutingRules(closed_ticket="reopen")``) or load JSON with ``RoutingRules.from_json(text)``.
Unknown names and bad values raise ValidationError from keyword arguments and ParseError from
from_json.)doc");
  rules
      .def(py::init([](const py::kwargs& kwargs) {
        if (kwargs.empty()) return RoutingRules{};
        std::string json = py::module_::import("json").attr("dumps")(kwargs).cast<std::string>();
        try {
          return RoutingRules::from_json(json);
        } catch (const ParseError& e) {  // keyword arguments are not text a caller parsed
          throw ValidationError(e.what());
        }
      }))
      .def_static("from_json", &RoutingRules::from_json, py::arg("json"))
      .def("to_json", &RoutingRules::to_json)
      .def("to_dict", [](const RoutingRules& r) { return json_loads(r.to_json()); })
      .def("validate", &RoutingRules::validate)
      .def("__repr__", [](const RoutingRules& r) { return "RoutingRules(" + r.to_json() + ")"; });
#define SB_RULE(field) rules.def_readwrite(#field, &RoutingRules::field)
  SB_RULE(support_aliases);
  SB_RULE(sales_aliases);
  SB_RULE(info_aliases);
  SB_RULE(internal_domains);
  SB_RULE(blocked_senders);
  SB_RULE(system_keywords);
  SB_RULE(system_prefixes);
  SB_RULE(role_mailboxes);
  SB_RULE(generic_names);
  SB_RULE(open_statuses);
  SB_RULE(reply_window_days);
  SB_RULE(subject_max_length);
  SB_RULE(empty_subject);
  SB_RULE(plus_delimiter);
  SB_RULE(max_references);
  SB_RULE(support_alias_existing_ticket);
  SB_RULE(sender_recency_link);
  SB_RULE(sales_alias_open_ticket);
  SB_RULE(mixed_aliases);
  SB_RULE(closed_ticket);
  SB_RULE(resolved_ticket);
  SB_RULE(closed_ticket_days);
  SB_RULE(automated_mail);
  SB_RULE(reply_to);
  SB_RULE(loop_threshold);
  SB_RULE(loop_window_minutes);
  SB_RULE(loop_allow);
  SB_RULE(ticket_status);
  SB_RULE(ticket_priority);
  SB_RULE(lead_status);
  SB_RULE(reopen_status);
  SB_RULE(error_log);
  SB_RULE(route_log);
#undef SB_RULE
  m.attr("ROUTE_LOG_DOCTYPE") = kRouteLogDoctype;

  py::class_<RouteResult> result(m, "RouteResult", R"doc(
The router's decision for one mail. ``action`` is "create_ticket", "link_ticket",
"create_lead", "link_lead" or "skip"; ``reason`` is a machine-readable cause; ``doctype``,
``name`` and ``contact`` name the records; ``log_category`` is the last "Route: ..." entry.)doc");
#define SB_RESULT(field) result.def_readonly(#field, &RouteResult::field)
  SB_RESULT(action);
  SB_RESULT(reason);
  SB_RESULT(doctype);
  SB_RESULT(name);
  SB_RESULT(contact);
  SB_RESULT(log_category);
  SB_RESULT(match);
  SB_RESULT(policy);
  SB_RESULT(kind);
  SB_RESULT(sender);
  SB_RESULT(sender_name);
  SB_RESULT(subject);
  SB_RESULT(message_id);
  SB_RESULT(alias);
  SB_RESULT(alias_tag);
  SB_RESULT(merged_from);
  SB_RESULT(follow_up_of);
  SB_RESULT(reply_alias);
  SB_RESULT(communication);
  SB_RESULT(in_reply_to);
  SB_RESULT(reopened);
  SB_RESULT(bounce_recipient);
  SB_RESULT(bounce_status);
  SB_RESULT(error);
  SB_RESULT(log);
#undef SB_RESULT
  result.def_property_readonly("skipped", &RouteResult::skipped)
      .def("to_json", &RouteResult::to_json)
      .def("to_dict", [](const RouteResult& r) { return json_loads(r.to_json()); })
      .def("__repr__", [](const RouteResult& r) {
        std::string where = r.name.empty() ? r.doctype : r.doctype + " " + r.name;
        return "<RouteResult " + r.action + (where.empty() ? "" : " " + where) + " (" + r.reason + ")>";
      });

  py::class_<Router>(m, "Router", R"doc(
Routes inbound mail into a store by its site's facts (``store.site``, read on every call).
``plan(email)`` decides and writes nothing; ``route(email)`` decides and writes everything for
the mail in one transaction (contact, ticket or lead, Communication, decision-log and Error Log
rows). Neither raises for a bad mail or a failing store: the result is then skip with reason
"error". Thread-safe; the GIL is released while routing.)doc")
      .def(py::init([](std::shared_ptr<Store> store, std::optional<RoutingRules> rules) {
             py::gil_scoped_release release;  // reads the store's site under its lock
             return Router(std::move(store), rules ? std::move(*rules) : RoutingRules{});
           }),
           py::arg("store").none(false), py::arg("rules") = py::none())
      .def("plan", &without_gil<&Router::plan>, py::arg("email"),
           "The decision for `email`; reads the store, writes nothing.")
      .def("route", &without_gil<&Router::route>, py::arg("email"),
           "Decides and writes, all in one transaction; never half-writes.")
      .def(
          "route_many",
          [](const Router& router, const std::vector<InboundEmail>& emails) {
            // Chunks of a few hundred mails, each one store transaction: Ctrl-C is seen
            // between chunks (every committed chunk stays written).
            constexpr std::size_t kChunk = 256;
            std::vector<RouteResult> out;
            out.reserve(emails.size());
            for (std::size_t start = 0; start < emails.size(); start += kChunk) {
              std::vector<InboundEmail> chunk(
                  emails.begin() + static_cast<std::ptrdiff_t>(start),
                  emails.begin() + static_cast<std::ptrdiff_t>(std::min(emails.size(), start + kChunk)));
              std::vector<RouteResult> routed;
              {
                py::gil_scoped_release release;
                routed = router.route_many(chunk);
              }
              for (auto& r : routed) out.push_back(std::move(r));
              raise_pending_interrupt();
              if (PyErr_CheckSignals() != 0) throw py::error_already_set();  // Ctrl-C
            }
            return out;
          },
          py::arg("emails"),
          "Routes the mails in order, one store transaction per chunk of 256 mails with a "
          "savepoint per mail: the results of route() on each mail in turn; a failing mail "
          "rolls back alone (skip/'error').")
      .def_property_readonly("rules", &Router::rules)
      .def_property_readonly("store", &Router::store);
}

}  // namespace switchboard::python
