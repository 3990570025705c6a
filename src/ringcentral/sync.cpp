// Call-log sync by polling: the window from the stored cursor (minus an overlap) to now, read
// in slices oldest first, every page of each slice followed and upserted before the next is
// fetched; the cursor moves only after a whole slice, so a run cut short (a stop, a crash, a
// throttling pause) repeats at most one slice, and the upserts make repeating harmless.
#include <string>
#include <unordered_set>

#include "ringcentral/ringcentral_internal.h"
#include "switchboard/ringcentral_sync.h"
#include "core/datetime.h"
#include "core/json.h"
#include "core/text.h"

namespace switchboard {
namespace {

constexpr const char* kSettings = "CRM RingCentral Settings";
constexpr std::int64_t kMaxSlices = 32;
// Pages followed in one slice: 10 million records at 1,000 a page. A server whose nextPage
// never ends (or returns to a page already read) stops the run with an error instead.
constexpr std::int64_t kMaxPagesPerSlice = 10000;

// True when every call-log doctype the logger writes already holds this record as it is now
// (same result, duration and recording): ingesting it again would change nothing.
bool unchanged(Store& store, const CallLoggerOptions& o, const CallEvent& ev) {
  if (ev.call_id.empty() || ev.result.empty()) return false;
  struct Target {
    bool enabled;
    const char* doctype;
    const char* id_field;
  };
  for (const Target& t : {Target{o.helpdesk_call_logs, "Helpdesk Call Log", "call_id"},
                          Target{o.crm_call_logs, "CRM Call Log", "id"}}) {
    if (!t.enabled) continue;
    auto d = store.find_one(t.doctype, Query{Filter(t.id_field, Value(ev.call_id))}.select(
                                           {"result", "duration", "recording_id", "telephony_session_id"}));
    if (!d || d->text("result") != ev.result) return false;
    if (ev.duration && d->get("duration").is_number() && d->get("duration").as_real() != *ev.duration) return false;
    if (ev.duration && !d->get("duration").is_number()) return false;
    if (!ev.recording_id.empty() && d->text("recording_id") != ev.recording_id) return false;
    if (!ev.telephony_session_id.empty() && d->text("telephony_session_id") != ev.telephony_session_id) return false;
  }
  return true;
}

std::string result_json(const SyncResult& r) {
  return json::dump(json::Json{{"from", r.from},       {"to", r.to},           {"cursor", r.cursor},
                               {"pages", r.pages},     {"records", r.records}, {"created", r.created},
                               {"updated", r.updated}, {"unchanged", r.unchanged}, {"failed", r.failed},
                               {"complete", r.complete}});
}

}  // namespace

CallLogSync::CallLogSync(std::shared_ptr<RingCentralClient> client, std::shared_ptr<CallLogger> logger,
                         SyncOptions options)
    : client_(std::move(client)), logger_(std::move(logger)), options_(std::move(options)) {
  if (!client_ || !logger_)
    throw ValidationError("CallLogSync needs a RingCentralClient and a CallLogger", ErrorCode::kInvalidArgument);
  if (options_.per_page < 1 || options_.per_page > 1000)
    throw ValidationError("per_page must be 1..1000", ErrorCode::kInvalidArgument);
  if (options_.slice.count() < 60) options_.slice = std::chrono::seconds(60);
  if (options_.overlap.count() < 0) options_.overlap = std::chrono::seconds(0);
}

SyncResult CallLogSync::run(std::int64_t since, const std::function<bool()>& should_stop) {
  Store& store = logger_->store();
  SyncResult r;
  const std::int64_t now = unix_seconds(store);
  auto settings = store.get(kSettings, kSettings);
  std::int64_t cursor = settings ? settings->integer("sync_cursor") : 0;
  r.from = since > 0 ? since : cursor > 0 ? cursor - options_.overlap.count() : now - options_.backfill.count();
  r.to = now;
  r.cursor = cursor;
  auto save = [&](bool finished) {
    Document changes{{"sync_cursor", Value(r.cursor)}, {"sync_last_result", Value(result_json(r))}};
    if (finished) {
      changes.set("sync_last_run", Value(unix_seconds(store)));
      changes.set("sync_last_error", Value(r.error));
    }
    rc::write_settings(store, changes);
  };
  // At most kMaxSlices requests for empty stretches of a long back-fill.
  const std::int64_t slice = std::max<std::int64_t>(options_.slice.count(), (r.to - r.from) / kMaxSlices + 1);
  try {
    for (std::int64_t start = r.from; start < r.to;) {
      const std::int64_t end = std::min(r.to, start + slice);
      CallLogQuery q;
      q.extension = options_.extension;
      q.view = "Detailed";
      q.per_page = options_.per_page;
      q.date_from = dates::iso8601_utc(start);
      q.date_to = dates::iso8601_utc(end);
      std::string next;
      std::unordered_set<std::string> pages_read;
      do {
        if (should_stop && should_stop()) {
          save(false);
          return r;
        }
        if (!next.empty() && (!pages_read.insert(next).second ||
                              static_cast<std::int64_t>(pages_read.size()) >= kMaxPagesPerSlice))
          throw HttpError("RingCentral's call-log pages from " + q.date_from + " to " + q.date_to +
                          " do not end (" + std::to_string(pages_read.size()) +
                          " pages, the next one " + rc::strip_query(next) + ")");
        CallLogPage page = client_->call_log_page(q, next);
        ++r.pages;
        for (const std::string& record : page.records) {
          ++r.records;
          try {
            CallEvent ev = parse_call_event(record);
            if (unchanged(store, logger_->options(), ev)) {
              ++r.unchanged;
              continue;
            }
            IngestResult in = logger_->ingest(ev);
            if (in.action == "created") ++r.created;
            else if (in.action == "updated") ++r.updated;
            else ++r.unchanged;
          } catch (const StoreError&) {
            throw;  // the store itself failed: the run stops and is tried again
          } catch (const Error& e) {  // this record is bad: count it, keep the others
            ++r.failed;
            if (r.error.empty()) r.error = e.what();
          }
        }
        next = page.next_page_uri;
      } while (!next.empty());
      start = end;
      if (end > r.cursor) r.cursor = end;  // a --since run never moves the cursor back
      save(false);
    }
    r.complete = true;
    save(true);
  } catch (const std::exception& e) {
    r.error = e.what();
    try {
      rc::write_settings(store, Document{{"sync_last_error", Value(text::truncate_chars(e.what(), 1000))},
                                         {"sync_last_result", Value(result_json(r))}});
    } catch (...) {  // the original failure is what the caller needs to see
    }
    throw;
  }
  return r;
}

}  // namespace switchboard
