// RingCentral's job kinds: the call-log lookup after a call ends, the recording download once
// the recording exists, the transcript once RingSense has it, the periodic sync and
// subscription check. Every handler is idempotent: it first looks at what the store already
// holds, so a job run twice (a worker killed after the work, before recording it) does
// nothing the second time.
#include <cmath>
#include <cstdio>
#include <exception>
#include <mutex>
#include <sys/stat.h>

#include "core/text.h"
#include "ringcentral/ringcentral_internal.h"
#include "switchboard/ringcentral_sync.h"
#include "core/datetime.h"
#include "core/json.h"

namespace switchboard {
namespace {

using json::Json;
constexpr const char* kHeavy = "ringcentral.Heavy";
constexpr const char* kLight = "ringcentral.Light";
constexpr const char* kMedium = "ringcentral.Medium";
constexpr int kPeriodicAttempts = 1000000;  // periodic jobs back off, they never give up

Json payload_of(const Job& job) { return json::parse_object(job.payload, job.kind + " job " + job.name + " payload"); }

std::string str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// One stored call log of a call.
struct LogRef {
  std::string doctype, name;
  Document doc;
};

/// The call logs (one per doctype the logger writes) of a call, by call-log id, else by
/// telephony session id.
std::vector<LogRef> find_logs(Store& store, const CallLoggerOptions& o, const std::string& call_id,
                              const std::string& session) {
  std::vector<LogRef> out;
  for (auto [enabled, doctype, id_field] : {std::tuple<bool, const char*, const char*>{o.helpdesk_call_logs, "Helpdesk Call Log", "call_id"},
                                            {o.crm_call_logs, "CRM Call Log", "id"}}) {
    if (!enabled) continue;
    std::optional<Document> d;
    if (!call_id.empty()) d = store.find_one(doctype, Query{Filter(id_field, Value(call_id))});
    if (!d && !session.empty())
      d = store.find_one(doctype, Query{Filter("telephony_session_id", Value(session))}.order("creation asc"));
    if (d) out.push_back({doctype, d->text("name"), std::move(*d)});
  }
  return out;
}

std::string extension_for(const std::string& content_type) {
  std::string t = text::lower_ascii(content_type);
  return t.find("wav") != std::string::npos ? ".wav" : ".mp3";
}

bool file_exists(const std::string& path, std::int64_t* size = nullptr) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  if (size) *size = static_cast<std::int64_t>(st.st_size);
  return true;
}

/// One thread at a time. Asks the client once per job for a recording's insights, whichever
/// call-log doctypes then format it; keeps what the client threw (the transcript cache turns
/// errors into messages) so the job can react to throttling.
class OnceSource : public TranscriptSource {
 public:
  explicit OnceSource(RingCentralClient& client) : client_(client) {}
  std::optional<std::string> fetch_insights(const std::string& recording_id,
                                            const std::string& telephony_session_id) override {
    if (!asked_) {
      asked_ = true;
      try {
        answer_ = client_.fetch_insights(recording_id, telephony_session_id);
      } catch (...) {
        error_ = std::current_exception();
        throw;
      }
    }
    if (error_) std::rethrow_exception(error_);
    return answer_;
  }
  void rethrow() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  RingCentralClient& client_;
  bool asked_ = false;
  std::optional<std::string> answer_;
  std::exception_ptr error_;
};

}  // namespace

// ---- the hook -------------------------------------------------------------------------------

IngestHook ringcentral_ingest_hook(RingCentralJobOptions o) {
  return [o](Store& store, const CallEvent& ev, const IngestResult&) {
    const std::int64_t now = unix_seconds(store);
    if (ev.kind == CallEventKind::kTelephonySession && !ev.telephony_session_id.empty() &&
        (text::iequals(ev.status_code, "Disconnected") || text::iequals(ev.status_code, "Gone"))) {
      JobSpec s;
      s.kind = rc_jobs::kLookup;
      s.key = "lookup:" + ev.telephony_session_id;
      s.run_after = now + o.lookup_delay.count();
      s.max_attempts = o.lookup_attempts;
      s.payload = json::dump(Json{{"telephony_session_id", ev.telephony_session_id},
                       {"session_id", ev.session_id},
                       {"date_from", dates::iso8601_utc(now - 2 * 86400)}});
      JobQueue::enqueue(store, s);
    }
    if (ev.kind != CallEventKind::kTelephonySession && !ev.recording_id.empty() && !ev.call_id.empty()) {
      JobSpec s;
      s.kind = rc_jobs::kRecording;
      s.key = "recording:" + ev.recording_id;
      s.max_attempts = o.recording_attempts;
      Json p{{"recording_id", ev.recording_id}, {"call_id", ev.call_id},
             {"telephony_session_id", ev.telephony_session_id}};
      if (ev.kind == CallEventKind::kCallLog) p["content_uri"] = ev.recording_url;  // RingCentral's own
      s.payload = json::dump(p);
      JobQueue::enqueue(store, s);
    }
  };
}

// ---- construction ---------------------------------------------------------------------------

namespace {
std::shared_ptr<CallLogger> make_logger(const std::shared_ptr<Store>& store, CallLoggerOptions lo,
                                        const RingCentralJobOptions& o) {
  if (!store) throw ValidationError("RingCentralJobs needs a store", ErrorCode::kInvalidArgument);
  IngestHook ours = ringcentral_ingest_hook(o);
  if (lo.after_ingest) {
    IngestHook theirs = std::move(lo.after_ingest);
    lo.after_ingest = [ours, theirs](Store& s, const CallEvent& e, const IngestResult& r) {
      ours(s, e, r);
      theirs(s, e, r);
    };
  } else {
    lo.after_ingest = std::move(ours);
  }
  return std::make_shared<CallLogger>(store, std::move(lo));
}
}  // namespace

RingCentralJobs::RingCentralJobs(std::shared_ptr<Store> store, std::shared_ptr<RingCentralClient> client,
                                 RingCentralJobOptions options, CallLoggerOptions logger)
    : store_(std::move(store)),
      client_(std::move(client)),
      options_(std::move(options)),
      logger_(make_logger(store_, std::move(logger), options_)),
      sync_(client_, logger_, options_.sync),
      subscriptions_(client_, options_.subscription) {}

void RingCentralJobs::schedule_periodic(JobQueue& queue) {
  for (const char* kind : {rc_jobs::kSync, rc_jobs::kSubscription}) {
    JobSpec s;
    s.kind = kind;
    s.key = kind;
    s.max_attempts = kPeriodicAttempts;
    queue.enqueue(s);
  }
}

void RingCentralJobs::install(Worker& worker, bool periodic) {
  using std::chrono::seconds;
  auto bind = [this](JobOutcome (RingCentralJobs::*fn)(const Job&, JobContext&)) {
    return [this, fn](const Job& job, JobContext& ctx) { return (this->*fn)(job, ctx); };
  };
  auto lease = [this](seconds fallback) { return options_.lease.count() > 0 ? options_.lease : fallback; };
  worker.add({rc_jobs::kLookup, bind(&RingCentralJobs::lookup), kHeavy, lease(seconds(120)), seconds(30), seconds(600)});
  worker.add({rc_jobs::kRecording, bind(&RingCentralJobs::recording), kHeavy, lease(seconds(900)), seconds(300),
              seconds(7200)});
  worker.add({rc_jobs::kTranscript, bind(&RingCentralJobs::transcript), kLight, lease(seconds(120)),
              options_.transcript_retry, options_.transcript_retry * 16});
  worker.add({rc_jobs::kSync, bind(&RingCentralJobs::run_sync), kHeavy, lease(seconds(600)), seconds(60), seconds(3600)});
  worker.add({rc_jobs::kSubscription, bind(&RingCentralJobs::check_subscription), kMedium, lease(seconds(120)),
              seconds(60), seconds(3600)});
  if (periodic) schedule_periodic(worker.queue());
}

// ---- handlers -------------------------------------------------------------------------------

namespace {

/// Runs a handler body; RingCentral saying "not now" (throttled, or nobody signed in) defers
/// the job without counting an attempt and pauses its group.
template <typename Fn>
JobOutcome guarded(Store& store, const RingCentralJobOptions& o, Fn&& body) {
  try {
    return body();
  } catch (const AuthError& e) {
    if (e.code() != ErrorCode::kReauthorizationRequired) throw;
    return JobOutcome::defer(unix_seconds(store) + 600, std::string("RingCentral sign-in required: ") + e.what(),
                             true);
  } catch (const HttpError& e) {
    if (e.status() != 429) throw;
    std::int64_t wait = e.retry_after() > 0 ? static_cast<std::int64_t>(std::ceil(e.retry_after()))
                                            : o.throttled_retry.count();
    return JobOutcome::defer(unix_seconds(store) + std::max<std::int64_t>(1, wait),
                             std::string("throttled: ") + e.what(), true);
  }
}

}  // namespace

JobOutcome RingCentralJobs::lookup(const Job& job, JobContext&) {
  Json p = payload_of(job);
  const std::string session = str(p, "telephony_session_id");
  if (session.empty()) return JobOutcome::give_up("the payload has no telephony_session_id");
  // Already complete (the sync or a duplicate event's lookup wrote the record): no request.
  std::vector<LogRef> logs = find_logs(*store_, logger_->options(), "", session);
  bool known = !logs.empty();
  for (const LogRef& log : logs)
    known = known && log.doc.has(log.doctype == "CRM Call Log" ? "id" : "call_id") && log.doc.has("result");
  if (known) return JobOutcome::done("already in the call log");
  return guarded(*store_, options_, [&] {
    auto record = client_->find_call_log(session, str(p, "date_from"));
    if (!record) return JobOutcome::retry("RingCentral has no call-log record of " + session + " yet");
    IngestResult r = logger_->ingest(parse_call_event(*record));
    return JobOutcome::done("call log " + r.action);
  });
}

JobOutcome RingCentralJobs::recording(const Job& job, JobContext&) {
  Json p = payload_of(job);
  const std::string id = str(p, "recording_id"), call_id = str(p, "call_id"),
                    session = str(p, "telephony_session_id");
  if (id.empty()) return JobOutcome::give_up("the payload has no recording_id");
  recording_url(id);  // validates the id (ValidationError gives the job up)
  std::vector<LogRef> logs = find_logs(*store_, logger_->options(), call_id, session);
  if (logs.empty()) return JobOutcome::retry("no call log of recording " + id + " is stored yet");
  auto queue_transcript = [&] {
    if (!options_.transcripts) return;
    JobSpec s;
    s.kind = rc_jobs::kTranscript;
    s.key = "transcript:" + id;
    s.max_attempts = options_.transcript_attempts;
    s.payload = json::dump(Json{{"recording_id", id}, {"call_id", call_id}, {"telephony_session_id", session}});
    JobQueue::enqueue(*store_, s);
  };
  bool attached = true;
  for (const LogRef& log : logs) attached = attached && log.doc.has("recording_file");
  if (attached) {
    queue_transcript();
    return JobOutcome::done("already attached");
  }
  if (options_.recordings_dir.empty()) {
    queue_transcript();
    return JobOutcome::done("recordings are not downloaded (no recordings directory)");
  }
  const std::string base = options_.recordings_dir + "/" + id;
  std::string file, content_type;
  std::int64_t bytes = 0;
  for (const char* ext : {".mp3", ".wav"})  // downloaded before a crash, not yet attached
    if (file.empty() && file_exists(base + ext, &bytes)) file = id + ext;
  if (file.empty()) {
    std::string source = id;
    try {
      std::string uri = str(p, "content_uri");
      if (!uri.empty()) source = client_->recording_content_url(uri);
    } catch (const ValidationError&) {  // not this client's media host: build it from the id
    }
    JobOutcome outcome = guarded(*store_, options_, [&] {
      RecordingDownload d = client_->download_recording(source, base + ".download");
      if (!d.available) {
        if (job.attempts >= job.max_attempts)
          return JobOutcome::done("not available after " + std::to_string(job.attempts) + " tries");
        return JobOutcome::retry("recording " + id + " is not available yet");
      }
      file = id + extension_for(d.content_type);
      bytes = d.bytes;
      if (std::rename((base + ".download").c_str(), (options_.recordings_dir + "/" + file).c_str()) != 0)
        throw Error(ErrorCode::kIo, "cannot rename the downloaded recording to " + file);
      return JobOutcome::done();
    });
    if (file.empty()) return outcome;
  }
  const std::string url = options_.file_url_prefix + file;
  in_transaction(*store_, [&] {
    for (const LogRef& log : logs) {
      if (!store_->find_one("File", Query{Filter("attached_to_doctype", Value(log.doctype)),
                                          Filter("attached_to_name", Value(log.name)),
                                          Filter("file_url", Value(url))}))
        store_->insert("File", Document{{"file_name", Value(file)},
                                        {"file_url", Value(url)},
                                        {"is_private", Value(1)},
                                        {"file_size", Value(bytes)},
                                        {"attached_to_doctype", Value(log.doctype)},
                                        {"attached_to_name", Value(log.name)},
                                        {"attached_to_field", Value("recording_file")}});
      store_->update(log.doctype, log.name, Document{{"recording_file", Value(url)}}, /*update_modified=*/false);
    }
    queue_transcript();
  });
  return JobOutcome::done("attached " + file + " (" + std::to_string(bytes) + " bytes)");
}

JobOutcome RingCentralJobs::transcript(const Job& job, JobContext&) {
  Json p = payload_of(job);
  const std::string id = str(p, "recording_id");
  std::vector<LogRef> logs = find_logs(*store_, logger_->options(), str(p, "call_id"), str(p, "telephony_session_id"));
  if (logs.empty()) return JobOutcome::retry("no call log of recording " + id + " is stored yet");
  return guarded(*store_, options_, [&] {
    OnceSource source(*client_);
    bool all = true, any_new = false;
    std::string message;
    for (const LogRef& log : logs) {
      if (log.doc.has("transcript")) continue;
      TranscriptResult r = get_or_create_transcript(*store_, log.doctype, log.name, source);
      source.rethrow();  // throttling and sign-in problems are the job's to handle
      any_new = any_new || r.success;
      all = all && r.success;
      if (!r.success) message = r.message;
    }
    if (all) return JobOutcome::done(any_new ? "transcript cached" : "already cached");
    if (job.attempts >= job.max_attempts)
      return JobOutcome::done("transcript unavailable after " + std::to_string(job.attempts) + " tries: " + message);
    std::int64_t wait = options_.transcript_retry.count();
    for (int i = 1; i < job.attempts && wait < 7 * 86400; ++i) wait *= 2;
    return JobOutcome::retry(message.empty() ? "transcript not available yet" : message,
                             unix_seconds(*store_) + wait);
  });
}

JobOutcome RingCentralJobs::run_sync(const Job&, JobContext& ctx) {
  return guarded(*store_, options_, [&] {
    SyncResult r = sync_.run(0, [&] {
      if (ctx.stopping()) return true;
      ctx.keep_alive();
      return false;
    });
    const std::int64_t now = unix_seconds(*store_);
    char summary[160];
    std::snprintf(summary, sizeof summary, "%d records (%d new, %d updated), %d pages%s", r.records, r.created,
                  r.updated, r.pages, r.failed ? ", some failed" : "");
    if (!r.complete) return JobOutcome::reschedule(now, std::string("stopped early: ") + summary);
    return JobOutcome::reschedule(now + options_.sync_interval.count(), summary);
  });
}

JobOutcome RingCentralJobs::check_subscription(const Job&, JobContext&) {
  return guarded(*store_, options_, [&] {
    SubscriptionState s = subscriptions_.ensure();
    const std::int64_t now = unix_seconds(*store_);
    const SubscriptionOptions& so = subscriptions_.options();
    std::int64_t next = now + so.check_interval.count();
    if (s.expires_at > 0) next = std::min(next, std::max(now + 60, s.expires_at - so.renew_margin.count()));
    return JobOutcome::reschedule(next, s.action + (s.id.empty() ? "" : " " + s.id));
  });
}

}  // namespace switchboard
