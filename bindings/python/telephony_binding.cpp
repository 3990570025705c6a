// Python bindings for calls: call events, call logs, webhooks, recordings and transcripts.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "casters.h"
#include "errors.h"
#include "switchboard/call_logger.h"
#include "switchboard/telephony.h"

namespace py = pybind11;
using release_gil = py::call_guard<py::gil_scoped_release>;

namespace switchboard::python {
namespace {

// Bytes or str -> std::string (taken while the GIL is held, before a call releases it).
std::string body_text(const py::object& body) {
  if (py::isinstance<py::bytes>(body)) return body.cast<std::string>();
  if (py::isinstance<py::bytearray>(body)) return std::string(py::bytearray(body));
  if (py::isinstance<py::str>(body)) return body.cast<std::string>();
  throw ValidationError("the body must be bytes or str", ErrorCode::kInvalidArgument);
}

py::dict ingest_dict(const IngestResult& r) {
  py::dict d;
  d["action"] = r.action;
  d["reason"] = r.reason;
  d["call_log"] = r.call_log;
  d["crm_call_log"] = r.crm_call_log;
  d["customer_key"] = r.customer_key;
  d["ticket"] = r.ticket;
  d["lead"] = r.lead;
  d["contact"] = r.contact;
  d["ticket_created"] = r.ticket_created;
  d["contact_created"] = r.contact_created;
  if (!r.error.empty()) d["error"] = r.error;
  return d;
}

py::dict transcript_dict(const TranscriptResult& r) {
  py::dict d;
  d["success"] = r.success;
  d["transcript"] = r.transcript;
  d["cached"] = r.cached;
  if (!r.message.empty()) d["message"] = r.message;
  return d;
}

py::dict party_dict(const CallParty& p) {
  py::dict d;
  d["phone_number"] = p.phone_number;
  d["extension_number"] = p.extension_number;
  d["name"] = p.name;
  return d;
}

class PyTranscriptSource : public TranscriptSource, public py::trampoline_self_life_support {
 public:
  std::optional<std::string> fetch_insights(const std::string& recording_id,
                                            const std::string& telephony_session_id) override {
    py::gil_scoped_acquire gil;
    py::function f = py::get_override(static_cast<const TranscriptSource*>(this), "fetch_insights");
    if (!f) throw NotSupported("TranscriptSource subclass does not implement fetch_insights()");
    try {
      py::object r = f(recording_id, telephony_session_id);
      if (r.is_none()) return std::nullopt;
      return body_text(r);
    } catch (py::error_already_set& e) {
      rethrow_as_cpp(e, "fetch_insights()");
    }
  }
};

/// A Python callable kept by an IngestHook; released with the GIL held.
struct PyHookCallable {
  py::object fn;
  explicit PyHookCallable(py::object f) : fn(std::move(f)) {}
  ~PyHookCallable() {
    py::gil_scoped_acquire gil;
    fn = py::object();
  }
};

/// None, an IngestHook, or a callable(store, event, result) -> the C++ hook.
IngestHook to_hook(const py::object& o) {
  if (o.is_none()) return {};
  if (py::isinstance<IngestHook>(o)) return o.cast<IngestHook>();
  if (!PyCallable_Check(o.ptr()))
    throw ValidationError("after_ingest must be an IngestHook or a callable", ErrorCode::kInvalidArgument);
  auto cb = std::make_shared<PyHookCallable>(o);
  return [cb](Store& store, const CallEvent& event, const IngestResult& result) {
    py::gil_scoped_acquire gil;
    try {
      cb->fn(py::cast(&store, py::return_value_policy::reference), event, ingest_dict(result));
    } catch (py::error_already_set& e) {
      rethrow_as_cpp(e, "after_ingest hook");
    }
  };
}

}  // namespace

void init_telephony(py::module_& m) {
  py::class_<IngestHook>(m, "IngestHook",
                         "What CallLogger runs after each ingest, inside its transaction "
                         "(e.g. sb.ringcentral_ingest_hook(); or wrap a callable(store, event, result)).")
      .def(py::init([](py::object fn) { return to_hook(fn); }), py::arg("fn"));

  py::class_<CallEvent>(m, "CallEvent", "One call payload, normalized (see parse_call_event).")
      .def_property_readonly("kind", [](const CallEvent& e) { return call_event_kind_name(e.kind); })
      .def_readonly("call_id", &CallEvent::call_id)
      .def_readonly("session_id", &CallEvent::session_id)
      .def_readonly("telephony_session_id", &CallEvent::telephony_session_id)
      .def_readonly("event_uuid", &CallEvent::event_uuid)
      .def_readonly("sequence", &CallEvent::sequence)
      .def_readonly("direction", &CallEvent::direction)
      .def_property_readonly("from_party", [](const CallEvent& e) { return party_dict(e.from); })
      .def_property_readonly("to_party", [](const CallEvent& e) { return party_dict(e.to); })
      .def_readonly("start_time", &CallEvent::start_time)
      .def_readonly("start_unix", &CallEvent::start_unix)
      .def_readonly("duration", &CallEvent::duration)
      .def_readonly("result", &CallEvent::result)
      .def_readonly("status_code", &CallEvent::status_code)
      .def_readonly("missed_call", &CallEvent::missed_call)
      .def_readonly("recording_id", &CallEvent::recording_id)
      .def_readonly("recording_url", &CallEvent::recording_url)
      .def_property_readonly("upsert_key", &CallEvent::upsert_key)
      .def("__repr__", [](const CallEvent& e) {
        return "<CallEvent " + std::string(call_event_kind_name(e.kind)) + " " + e.upsert_key() + ">";
      });

  m.def(
      "parse_call_event",
      [](const py::object& body) {
        std::string text = body_text(body);
        py::gil_scoped_release release;
        return parse_call_event(text);
      },
      py::arg("body"),
      "Parses a Pabbly relay body, a RingCentral call-log record or a telephony-session "
      "notification (bytes or str). Raises ParseError (with .position) on bad input.");
  m.def("recording_url", &recording_url, py::arg("recording_id"), py::arg("account_id") = "~",
        py::arg("media_server") = "https://media.ringcentral.com",
        "The recording's content URL on RingCentral's media host.");
  m.def("extract_recording_id", &extract_recording_id, py::arg("url"),
        "The recording id inside any RingCentral recording URL form, or None.");
  m.def("format_transcript",
        [](const py::object& insights) {
          std::string text = body_text(insights);
          py::gil_scoped_release release;
          return format_transcript(text);
        },
        py::arg("insights_json"),
        "One '[speaker]: text' line per segment of RingSense insights JSON.");

  py::class_<TranscriptSource, PyTranscriptSource, py::smart_holder>(
      m, "TranscriptSource",
      "Where transcripts come from. Subclass it (call TranscriptSource.__init__(self)) and "
      "implement fetch_insights(recording_id, telephony_session_id) -> str | None.")
      .def(py::init<>())
      .def("fetch_insights", &TranscriptSource::fetch_insights, py::arg("recording_id"),
           py::arg("telephony_session_id"), release_gil());
  m.def(
      "get_or_create_transcript",
      [](Store& store, const std::string& doctype, const std::string& call_log, TranscriptSource& source) {
        TranscriptResult r;
        {
          py::gil_scoped_release release;
          r = get_or_create_transcript(store, doctype, call_log, source);
        }
        return transcript_dict(r);
      },
      py::arg("store").none(false), py::arg("doctype"), py::arg("call_log"),
      py::arg("source").none(false),
      "The cached transcript ({'success', 'transcript', 'cached'}), fetched and stored when absent.");
  m.def(
      "refresh_transcript",
      [](Store& store, const std::string& doctype, const std::string& call_log, TranscriptSource& source) {
        TranscriptResult r;
        {
          py::gil_scoped_release release;
          r = refresh_transcript(store, doctype, call_log, source);
        }
        return transcript_dict(r);
      },
      py::arg("store").none(false), py::arg("doctype"), py::arg("call_log"),
      py::arg("source").none(false), "Fetches the transcript again and replaces the stored one.");

  py::class_<CallLogger, py::smart_holder>(
      m, "CallLogger",
      "Turns call events into Helpdesk Call Log and CRM Call Log rows, without duplicates, "
      "linked by phone key to the customer's ticket, lead and contact. The store's site gives "
      "the region and company numbers unless region / company_numbers are given.")
      .def(py::init([](std::shared_ptr<Store> store, const std::string& region,
                       std::optional<std::vector<std::string>> company_numbers, bool create_tickets,
                       bool helpdesk_call_logs, bool crm_call_logs, const std::string& fallback_status,
                       const py::object& after_ingest, bool tickets_for_unanswered,
                       bool tickets_for_outbound) {
             CallLoggerOptions o;
             o.region = region;
             o.company_numbers = std::move(company_numbers);
             o.create_tickets = create_tickets;
             o.helpdesk_call_logs = helpdesk_call_logs;
             o.crm_call_logs = crm_call_logs;
             o.fallback_status = fallback_status;
             o.after_ingest = to_hook(after_ingest);
             o.tickets_for_unanswered = tickets_for_unanswered;
             o.tickets_for_outbound = tickets_for_outbound;
             return std::make_shared<CallLogger>(std::move(store), std::move(o));
           }),
           py::arg("store").none(false), py::arg("region") = "",
           py::arg("company_numbers") = py::none(), py::arg("create_tickets") = false,
           py::arg("helpdesk_call_logs") = true, py::arg("crm_call_logs") = true,
           py::arg("fallback_status") = "Completed", py::arg("after_ingest") = py::none(),
           py::arg("tickets_for_unanswered") = false, py::arg("tickets_for_outbound") = false)
      .def(
          "ingest",
          [](CallLogger& logger, const py::object& event) {
            IngestResult r;
            if (py::isinstance<CallEvent>(event)) {
              CallEvent ev = event.cast<CallEvent>();
              py::gil_scoped_release release;
              r = logger.ingest(ev);
            } else {
              std::string text = body_text(event);
              py::gil_scoped_release release;
              r = logger.ingest(parse_call_event(text));
            }
            return ingest_dict(r);
          },
          py::arg("event"),
          "Upserts the call log(s) of a CallEvent (or of a raw body) in one transaction. "
          "Returns {'action': created|updated|duplicate|skipped, 'reason', 'call_log', ...}.")
      .def(
          "ingest_many",
          [](CallLogger& logger, const py::iterable& events) {
            // Bodies are parsed first (a bad one is that event's "failed" result); then chunks
            // of a few hundred events, each one store transaction, Ctrl-C seen between them.
            std::vector<std::optional<CallEvent>> parsed;
            std::vector<IngestResult> bad;
            for (const auto& item : events) {
              py::object event = py::reinterpret_borrow<py::object>(item);
              if (py::isinstance<CallEvent>(event)) {
                parsed.emplace_back(event.cast<CallEvent>());
                continue;
              }
              std::string text = body_text(event);
              try {
                parsed.emplace_back(parse_call_event(text));
              } catch (const Error& e) {
                parsed.emplace_back(std::nullopt);
                IngestResult r;
                r.action = "failed";
                r.reason = error_code_name(e.code());
                r.error = e.what();
                bad.push_back(std::move(r));
              }
            }
            constexpr std::size_t kChunk = 256;
            py::list out;
            std::size_t next_bad = 0;
            for (std::size_t start = 0; start < parsed.size(); start += kChunk) {
              std::size_t end = std::min(parsed.size(), start + kChunk);
              std::vector<CallEvent> chunk;
              for (std::size_t i = start; i < end; ++i)
                if (parsed[i]) chunk.push_back(*parsed[i]);
              std::vector<IngestResult> results;
              {
                py::gil_scoped_release release;
                results = logger.ingest_many(chunk);
              }
              std::size_t k = 0;
              for (std::size_t i = start; i < end; ++i)
                out.append(ingest_dict(parsed[i] ? results[k++] : bad[next_bad++]));
              raise_pending_interrupt();
              if (PyErr_CheckSignals() != 0) throw py::error_already_set();  // Ctrl-C
            }
            return out;
          },
          py::arg("events"),
          "ingest() for each CallEvent (or raw body) in order, one store transaction per chunk "
          "of 256 events with a savepoint per event: the results of ingest() one at a time; a "
          "failing event (or an unreadable body) rolls back alone and gets "
          "{'action': 'failed', 'reason': <error code>, 'error': <message>}.")
      .def(
          "create_manual_call_log",
          [](CallLogger& logger, const std::string& phone_number, const Name& contact_name,
             const Name& ticket_name) {
            return logger.create_manual_call_log(phone_number, contact_name.value,
                                                 ticket_name.value);
          },
          py::arg("phone_number"), py::arg("contact_name") = "", py::arg("ticket_name") = "",
          release_gil(),
           "The click-to-call log (Outgoing, Initiated) of the original scripts; returns its name.")
      .def("status_for", &CallLogger::status_for, py::arg("event"))
      .def_property_readonly("store", &CallLogger::store_ptr);

  m.def(
      "process_crm_payload",
      [](CallLogger& logger, const Name& name) {
        PayloadOutcome o;
        {
          py::gil_scoped_release release;
          o = process_crm_payload(logger, name.value);
        }
        py::dict d;
        d["status"] = o.status;
        d["message"] = o.message;
        d["result"] = ingest_dict(o.result);
        return d;
      },
      py::arg("logger").none(false), py::arg("name"),
      "Processes a queued 'RingCentral CRM Payload'; a missing one is a logged no-op.");

  py::class_<WebhookHandler, py::smart_holder>(
      m, "WebhookHandler",
      "The call webhook endpoint without a transport: handle(headers, body) -> "
      "(status, headers, body).")
      .def(py::init([](std::shared_ptr<CallLogger> logger, const std::string& verification_token,
                       const std::string& relay_secret, bool store_payloads) {
             WebhookOptions o;
             o.verification_token = verification_token;
             o.relay_secret = relay_secret;
             o.store_payloads = store_payloads;
             return std::make_shared<WebhookHandler>(std::move(logger), std::move(o));
           }),
           py::arg("logger").none(false), py::arg("verification_token") = "",
           py::arg("relay_secret") = "", py::arg("store_payloads") = true)
      .def(
          "handle",
          [](WebhookHandler& h, std::map<std::string, std::string> headers, const py::object& body) {
            std::string text = body_text(body);
            WebhookResponse r;
            {
              py::gil_scoped_release release;
              r = h.handle(headers, text);
            }
            return py::make_tuple(r.status, r.headers, py::bytes(r.body));
          },
          py::arg("headers"), py::arg("body"));

  m.def("secret_matches", &secret_matches, py::arg("presented"), py::arg("expected"),
        "Constant-time comparison of a presented secret with the expected one.");
}

}  // namespace switchboard::python
