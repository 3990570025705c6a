// Python bindings for RingCentral without a relay: sb.Subscriptions, sb.CallLogSync,
// sb.RingCentralJobs (the job kinds for a sb.Worker), sb.ringcentral_ingest_hook and
// sb.ringcentral_sync_status. Every call that does I/O releases the GIL.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "errors.h"
#include "switchboard/ringcentral_sync.h"

namespace py = pybind11;
using release_gil = py::call_guard<py::gil_scoped_release>;

namespace switchboard::python {
namespace {

std::chrono::seconds secs(double s) { return std::chrono::seconds(static_cast<std::int64_t>(s)); }

py::object loads(const std::string& text) { return py::module_::import("json").attr("loads")(text); }

py::dict subscription_dict(const SubscriptionState& s) {
  py::dict d;
  d["id"] = s.id;
  d["status"] = s.status;
  d["address"] = s.address;
  d["error"] = s.error;
  d["event_filters"] = s.event_filters;
  d["expires_at"] = s.expires_at;
  d["checked_at"] = s.checked_at;
  d["action"] = s.action;
  return d;
}

py::dict sync_dict(const SyncResult& r) {
  py::dict d;
  d["from"] = r.from;
  d["to"] = r.to;
  d["cursor"] = r.cursor;
  d["pages"] = r.pages;
  d["records"] = r.records;
  d["created"] = r.created;
  d["updated"] = r.updated;
  d["unchanged"] = r.unchanged;
  d["failed"] = r.failed;
  d["complete"] = r.complete;
  d["error"] = r.error;
  return d;
}

SubscriptionOptions subscription_options(const std::string& address, std::vector<std::string> filters,
                                         double expires_in, double renew_margin, double check_interval) {
  SubscriptionOptions o;
  o.address = address;
  o.event_filters = std::move(filters);
  o.expires_in = secs(expires_in);
  o.renew_margin = secs(renew_margin);
  o.check_interval = secs(check_interval);
  return o;
}

SyncOptions sync_options(double backfill, double overlap, double slice, int per_page, const std::string& extension) {
  SyncOptions o;
  o.backfill = secs(backfill);
  o.overlap = secs(overlap);
  o.slice = secs(slice);
  o.per_page = per_page;
  o.extension = extension;
  return o;
}

RingCentralJobOptions job_options(const py::kwargs& kw) {
  RingCentralJobOptions o;
  auto num = [&](const char* k, double def) { return kw.contains(k) ? kw[k].cast<double>() : def; };
  auto text = [&](const char* k, const std::string& def) { return kw.contains(k) ? kw[k].cast<std::string>() : def; };
  o.recordings_dir = text("recordings_dir", o.recordings_dir);
  o.file_url_prefix = text("file_url_prefix", o.file_url_prefix);
  o.transcripts = kw.contains("transcripts") ? kw["transcripts"].cast<bool>() : o.transcripts;
  o.lookup_delay = secs(num("lookup_delay", 30));
  o.lookup_attempts = static_cast<int>(num("lookup_attempts", o.lookup_attempts));
  o.recording_attempts = static_cast<int>(num("recording_attempts", o.recording_attempts));
  o.transcript_attempts = static_cast<int>(num("transcript_attempts", o.transcript_attempts));
  o.transcript_retry = secs(num("transcript_retry", 3600));
  o.sync_interval = secs(num("sync_interval", 300));
  o.throttled_retry = secs(num("throttled_retry", 60));
  o.lease = secs(num("lease", 0));
  o.sync = sync_options(num("backfill", 86400), num("overlap", 3600), num("slice", 6 * 3600),
                        static_cast<int>(num("per_page", 1000)), text("extension", ""));
  std::vector<std::string> filters;
  if (kw.contains("event_filters")) filters = kw["event_filters"].cast<std::vector<std::string>>();
  o.subscription = subscription_options(text("address", ""), filters, num("expires_in", 7 * 86400),
                                        num("renew_margin", 86400), num("check_interval", 3600));
  return o;
}

const char* kJobOptionsDoc = R"doc(
Options (keywords; durations in seconds): recordings_dir ("" = no downloads), file_url_prefix,
transcripts, lookup_delay, lookup_attempts, recording_attempts, transcript_attempts,
transcript_retry, sync_interval, throttled_retry, lease; sync: backfill, overlap, slice, per_page,
extension; subscription: address, event_filters, expires_in, renew_margin, check_interval;
the CallLogger: region, company_numbers, create_tickets, tickets_for_unanswered,
tickets_for_outbound, helpdesk_call_logs, crm_call_logs.)doc";

}  // namespace

void init_ringcentral_sync(py::module_& m) {
  m.attr("TELEPHONY_SESSIONS_FILTER") = kTelephonySessionsFilter;
  py::dict kinds;  // switchboard.rc_jobs.LOOKUP, ... (the package turns it into a namespace)
  kinds["lookup"] = rc_jobs::kLookup;
  kinds["recording"] = rc_jobs::kRecording;
  kinds["transcript"] = rc_jobs::kTranscript;
  kinds["sync"] = rc_jobs::kSync;
  kinds["subscription"] = rc_jobs::kSubscription;
  m.attr("RINGCENTRAL_JOB_KINDS") = kinds;

  py::class_<Subscriptions, py::smart_holder>(m, "Subscriptions", R"doc(
RingCentral's webhook subscription: created with a generated Verification-Token (stored sealed),
renewed ahead of expiry, re-created when blacklisted or gone, deleted on unsubscribe and on
client.revoke(). Methods return the stored state as a dict (action: created, renewed,
recreated, checked, deleted, none).)doc")
      .def(py::init([](std::shared_ptr<RingCentralClient> client, const std::string& address,
                       std::vector<std::string> event_filters, double expires_in, double renew_margin,
                       double check_interval) {
             return std::make_shared<Subscriptions>(
                 std::move(client),
                 subscription_options(address, std::move(event_filters), expires_in, renew_margin, check_interval));
           }),
           py::arg("client").none(false), py::kw_only(), py::arg("address") = "",
           py::arg("event_filters") = std::vector<std::string>{}, py::arg("expires_in") = 7 * 86400.0,
           py::arg("renew_margin") = 86400.0, py::arg("check_interval") = 3600.0)
      .def("subscribe", [](Subscriptions& s, const std::string& address) {
             SubscriptionState st;
             {
               py::gil_scoped_release release;
               st = s.subscribe(address);
             }
             return subscription_dict(st);
           }, py::arg("address") = "")
      .def("ensure", [](Subscriptions& s) {
             SubscriptionState st;
             {
               py::gil_scoped_release release;
               st = s.ensure();
             }
             return subscription_dict(st);
           })
      .def("unsubscribe", [](Subscriptions& s) {
             SubscriptionState st;
             {
               py::gil_scoped_release release;
               st = s.unsubscribe();
             }
             return subscription_dict(st);
           })
      .def("state", [](Subscriptions& s) {
             SubscriptionState st;
             {
               py::gil_scoped_release release;
               st = s.state();
             }
             return subscription_dict(st);
           })
      .def("verification_token", &Subscriptions::verification_token, release_gil());

  m.def("stored_verification_token", &stored_verification_token, py::arg("store").none(false),
        py::arg("codec") = std::shared_ptr<SecretCodec>(), py::arg("create") = false, release_gil(),
        "The stored Verification-Token ('' when none; created first with create=True).");

  py::class_<CallLogSync, py::smart_holder>(m, "CallLogSync", R"doc(
Call-log sync by polling: from the stored cursor minus the overlap (the back-fill period on the
first run), Detailed view, every page followed, each record upserted through the CallLogger.)doc")
      .def(py::init([](std::shared_ptr<RingCentralClient> client, std::shared_ptr<CallLogger> logger,
                       double backfill, double overlap, double slice, int per_page, const std::string& extension) {
             return std::make_shared<CallLogSync>(std::move(client), std::move(logger),
                                                  sync_options(backfill, overlap, slice, per_page, extension));
           }),
           py::arg("client").none(false), py::arg("logger").none(false), py::kw_only(),
           py::arg("backfill") = 86400.0, py::arg("overlap") = 3600.0, py::arg("slice") = 6 * 3600.0,
           py::arg("per_page") = 1000, py::arg("extension") = "")
      .def(
          "run",
          [](CallLogSync& s, std::int64_t since) {
            SyncResult r;
            {
              py::gil_scoped_release release;
              r = s.run(since);
            }
            return sync_dict(r);
          },
          py::arg("since") = 0, "One run up to now; `since` (Unix seconds) overrides the cursor.");

  py::class_<RingCentralJobs, py::smart_holder>(m, "RingCentralJobs",
                                               (std::string("RingCentral's job kinds for a Worker: the "
                                                            "call-log lookup, recording download, transcript, "
                                                            "periodic sync and subscription check.\n") +
                                                kJobOptionsDoc)
                                                   .c_str())
      .def(py::init([](std::shared_ptr<Store> store, std::shared_ptr<RingCentralClient> client, py::kwargs kw) {
             CallLoggerOptions lo;
             if (kw.contains("region")) lo.region = kw["region"].cast<std::string>();
             if (kw.contains("company_numbers")) lo.company_numbers = kw["company_numbers"].cast<std::vector<std::string>>();
             if (kw.contains("create_tickets")) lo.create_tickets = kw["create_tickets"].cast<bool>();
             if (kw.contains("helpdesk_call_logs")) lo.helpdesk_call_logs = kw["helpdesk_call_logs"].cast<bool>();
             if (kw.contains("crm_call_logs")) lo.crm_call_logs = kw["crm_call_logs"].cast<bool>();
             if (kw.contains("tickets_for_unanswered"))
               lo.tickets_for_unanswered = kw["tickets_for_unanswered"].cast<bool>();
             if (kw.contains("tickets_for_outbound"))
               lo.tickets_for_outbound = kw["tickets_for_outbound"].cast<bool>();
             RingCentralJobOptions o = job_options(kw);
             py::gil_scoped_release release;
             return std::make_shared<RingCentralJobs>(std::move(store), std::move(client), std::move(o), std::move(lo));
           }),
           py::arg("store").none(false), py::arg("client").none(false))
      .def("install", &RingCentralJobs::install, py::arg("worker").none(false), py::arg("periodic") = true,
           release_gil(), "Registers the kinds with the worker and queues the periodic jobs.")
      .def("schedule_periodic", &RingCentralJobs::schedule_periodic, py::arg("queue").none(false), release_gil())
      .def_property_readonly("logger", &RingCentralJobs::logger)
      .def(
          "sync",
          [](RingCentralJobs& j, std::int64_t since) {
            SyncResult r;
            {
              py::gil_scoped_release release;
              r = j.sync().run(since);
            }
            return sync_dict(r);
          },
          py::arg("since") = 0, "One sync run now (see CallLogSync.run).")
      .def("ensure_subscription", [](RingCentralJobs& j) {
             SubscriptionState st;
             {
               py::gil_scoped_release release;
               st = j.subscriptions().ensure();
             }
             return subscription_dict(st);
           });

  m.def("ringcentral_ingest_hook", [](py::kwargs kw) { return ringcentral_ingest_hook(job_options(kw)); },
        "The IngestHook queueing a call's lookup (after Disconnected) and recording download; "
        "pass it as CallLogger(after_ingest=...).");
  m.def("ringcentral_sync_status", [](std::shared_ptr<Store> store) {
          std::string text;
          {
            py::gil_scoped_release release;
            text = ringcentral_sync_status(*store);
          }
          return loads(text);
        }, py::arg("store").none(false),
        "Subscription, sync cursor and lag, queue depth, oldest due job and newest errors (a dict).");
}

}  // namespace switchboard::python
