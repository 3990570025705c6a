// frontdesk calls: ingest call payloads (Pabbly relay bodies, RingCentral call-log records or
// telephony notifications) into call logs; and the calls part of `frontdesk demo`.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

#include "cli.h"
#include "input.h"

namespace frontdesk {
namespace {

struct CallOptions {
  std::vector<std::string> paths;
  bool create_tickets = false;
  bool tickets_for_unanswered = false, tickets_for_outbound = false;
  std::vector<std::string> company_numbers;
  std::string region;
  int batch = 200;
  bool dry_run = false;
};

const std::vector<std::string> kCallFiles = {".json", ".jsonl", ".ndjson"};

json ingest_json(const JsonRecord& rec, const switchboard::IngestResult& r) {
  json j{{"source", rec.source}, {"action", r.action}, {"reason", r.reason}};
  auto put = [&](const char* key, const std::string& v) {
    j[key] = v.empty() ? json(nullptr) : json(v);
  };
  put("call_log", r.call_log);
  put("crm_call_log", r.crm_call_log);
  put("customer_key", r.customer_key);
  put("ticket", r.ticket);
  put("lead", r.lead);
  put("contact", r.contact);
  j["ticket_created"] = r.ticket_created;
  j["contact_created"] = r.contact_created;
  return j;
}

// An ACE / RingSense insights document (a call's transcript), not a call event.
bool is_insights(const std::string& text) {
  if (text.find("\"insights\"") == std::string::npos) return false;  // the common case, cheaply
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_object() && j.contains("insights") &&
         (j.contains("sourceRecordId") || j.contains("sourceSessionId"));
}

// Hands the transcript functions the document at hand instead of asking RingCentral.
class DocumentSource : public switchboard::TranscriptSource {
 public:
  explicit DocumentSource(std::string doc) : doc_(std::move(doc)) {}
  std::optional<std::string> fetch_insights(const std::string&, const std::string&) override {
    return doc_;
  }

 private:
  std::string doc_;
};

// Stores a transcript on the call logs of its recording (or telephony session).
switchboard::IngestResult attach_transcript(switchboard::Store& store, const std::string& text) {
  json j = json::parse(text);
  auto id = [&](const char* key) {
    if (!j.contains(key)) return std::string();
    return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
  };
  std::string recording = id("sourceRecordId"), session = id("sourceSessionId");
  DocumentSource source(text);
  switchboard::IngestResult r;
  for (const char* doctype : {"Helpdesk Call Log", "CRM Call Log"}) {
    for (const auto& [field, value] : {std::pair{"recording_id", recording},
                                       std::pair{"telephony_session_id", session}}) {
      if (value.empty()) continue;
      for (const auto& log : store.find(doctype, switchboard::Query{switchboard::Filter(field, value)}
                                                     .select({"name"}))) {
        auto t = switchboard::refresh_transcript(store, doctype, log.name(), source);
        if (!t.success) throw switchboard::ValidationError(t.message);
        (doctype[0] == 'H' ? r.call_log : r.crm_call_log) = log.name();
      }
      if (!(doctype[0] == 'H' ? r.call_log : r.crm_call_log).empty()) break;
    }
  }
  r.action = r.call_log.empty() && r.crm_call_log.empty() ? "skipped" : "transcribed";
  r.reason = r.action == "skipped" ? "no call log of recording " + recording +
                                         (session.empty() ? "" : " or session " + session)
                                   : "transcript";
  return r;
}

int run_calls(Context& ctx, const CallOptions& o) {
  std::vector<JsonRecord> records;
  for (const auto& path : o.paths) {
    auto more = read_json_records(path, kCallFiles);
    records.insert(records.end(), more.begin(), more.end());
  }
  if (records.empty()) {
    std::fprintf(stderr, "frontdesk calls: no call payloads found\n");
    return kDataError;
  }
  // Parse everything first; recording-ready events and transcripts refer to a call, so they
  // go after the calls (in their own order), wherever they were in the input.
  struct Item {
    const JsonRecord* rec;
    std::optional<switchboard::CallEvent> event;  // a call event
    bool insights = false;                         // a transcript
    std::string error, code;                       // unreadable
  };
  std::vector<Item> items;
  items.reserve(records.size());
  for (const auto& rec : records) {
    Item item{&rec, std::nullopt, false, rec.error, "parse"};
    if (item.error.empty()) {
      try {
        if (is_insights(rec.text)) item.insights = true;
        else item.event = switchboard::parse_call_event(rec.text);
      } catch (const switchboard::Error& e) {
        item.error = e.what();
        item.code = switchboard::error_code_name(e.code());
      }
    }
    items.push_back(std::move(item));
  }
  std::stable_partition(items.begin(), items.end(), [](const Item& item) {
    return !item.insights &&
           !(item.event && item.event->kind == switchboard::CallEventKind::kRecordingReady);
  });

  switchboard::CallLoggerOptions options;
  options.create_tickets = o.create_tickets;
  options.tickets_for_unanswered = o.tickets_for_unanswered;
  options.tickets_for_outbound = o.tickets_for_outbound;
  if (!o.company_numbers.empty()) options.company_numbers = o.company_numbers;
  options.region = o.region;
  switchboard::CallLogger logger(ctx.store_ptr(), options);
  auto& store = ctx.store();
  std::map<std::string, int> actions;
  json events = json::array();
  std::vector<std::string> errors;
  auto fail = [&](const JsonRecord& rec, const std::string& what, const std::string& code) {
    errors.push_back(fmt::format("{}: {} [{}]", rec.source, what, code));
    if (ctx.as_json)
      events.push_back({{"source", rec.source}, {"action", "failed"}, {"error", what}, {"code", code}});
  };
  ProgressBar bar(o.dry_run ? "planning" : "ingesting", static_cast<std::int64_t>(items.size()),
                  ctx.progress());
  // --dry-run: everything happens in one transaction that is rolled back at the end, so each
  // event sees the ones before it exactly as a real run would.
  std::optional<switchboard::Transaction> scratch;
  if (o.dry_run) scratch.emplace(store);
  // One transaction per batch, each event its own savepoint (CallLogger::ingest_many): a bad
  // event is reported and rolled back alone, the batch goes on. Transcripts run after the
  // calls, each in its own savepoint of the batch.
  const std::size_t batch_size = static_cast<std::size_t>(o.batch);
  auto record = [&](const Item& item, const switchboard::IngestResult& r) {
    if (r.action == "failed") return fail(*item.rec, r.error, r.reason);
    ++actions[r.action];
    if (ctx.as_json) events.push_back(ingest_json(*item.rec, r));
  };
  for (std::size_t start = 0; start < items.size(); start += batch_size) {
    std::size_t end = std::min(items.size(), start + batch_size);
    std::vector<switchboard::CallEvent> batch_events;
    for (std::size_t i = start; i < end; ++i)
      if (items[i].error.empty() && items[i].event) batch_events.push_back(*items[i].event);
    switchboard::Transaction batch(store);
    std::vector<switchboard::IngestResult> results = logger.ingest_many(batch_events);
    std::size_t k = 0;
    for (std::size_t i = start; i < end; ++i) {
      bar.tick();
      const Item& item = items[i];
      if (!item.error.empty()) {
        fail(*item.rec, item.error, item.code);
      } else if (item.event) {
        record(item, results[k++]);
      } else {
        try {
          switchboard::Transaction one(store);  // this transcript's savepoint
          switchboard::IngestResult r = attach_transcript(store, item.rec->text);
          one.commit();
          record(item, r);
        } catch (const switchboard::Error& e) {
          fail(*item.rec, e.what(), switchboard::error_code_name(e.code()));
        }
      }
    }
    batch.commit();
  }
  bar.finish();
  std::string what = fmt::format("{} events — {} created, {} updated, {} duplicate, {} skipped, {} failed",
                                 records.size(), actions["created"], actions["updated"],
                                 actions["duplicate"], actions["skipped"], errors.size());
  if (int n = actions["transcribed"]) what += fmt::format("; {} transcript{} stored", n, n == 1 ? "" : "s");
  if (ctx.as_json) {
    ctx.print_json({{"dry_run", o.dry_run},
                    {"events", events},
                    {"summary",
                     {{"events", records.size()}, {"created", actions["created"]},
                      {"updated", actions["updated"]}, {"duplicate", actions["duplicate"]},
                      {"skipped", actions["skipped"]}, {"transcribed", actions["transcribed"]},
                      {"failed", errors.size()}}}});
  } else {
    ctx.say(o.dry_run ? "planned " + what + " (dry run: nothing written)" : what);
    for (std::size_t i = 0; i < errors.size() && i < 20; ++i)
      std::fprintf(stderr, "  %s\n", errors[i].c_str());
    if (errors.size() > 20) std::fprintf(stderr, "  ... and %zu more\n", errors.size() - 20);
  }
  return errors.empty() ? kOk : kFailed;
}

}  // namespace

void add_call_commands(CLI::App& app, Context& ctx, Runner& run) {
  static CallOptions o;
  auto* calls = app.add_subcommand("calls", "Ingest call payloads into call logs");
  calls->add_option("inputs", o.paths, "Files or folders of payloads, in order")->required();
  calls->add_flag("--create-tickets", o.create_tickets, "Create a ticket when a call matches nothing");
  calls->add_flag("--tickets-for-unanswered", o.tickets_for_unanswered,
                  "With --create-tickets: also for calls nobody answered (missed, voicemail, busy)");
  calls->add_flag("--tickets-for-outbound", o.tickets_for_outbound,
                  "With --create-tickets: also for calls the company placed");
  calls->add_option("--company-number", o.company_numbers,
                    "The company's own numbers (repeatable; default: the site's)");
  calls->add_option("--region", o.region,
                    "Region for numbers without a country code (default: the site's)");
  calls->add_option("--batch", o.batch, "Events per transaction")->check(CLI::Range(1, 100000));
  calls->add_flag("--dry-run", o.dry_run,
                  "Ingest everything in one transaction and roll it back: the report of a real "
                  "run, nothing written");
  add_json_flag(calls, ctx);
  set_help(calls,
           "Each input is a JSON Lines file, a JSON array, one JSON object (pretty-printed or\n"
           "not), a folder of .json/.jsonl files, or - for stdin. Payloads: Pabbly relay\n"
           "bodies, RingCentral call-log records, telephony-session notifications, recording-\n"
           "ready events, and ACE insights (a transcript, stored on the call logs of its\n"
           "recording). Call logs are linked to tickets, leads and contacts by phone.\n"
           "Recording-ready events and transcripts refer to a call: they are applied after the\n"
           "calls of the same run, wherever they are in the input. A bad payload is reported\n"
           "and skipped (exit 1); the others are kept.",
           {"frontdesk calls tests/data/telephony/seed_curl.json",
                       "frontdesk calls calls.jsonl --company-number +15559876543 --create-tickets",
                       "frontdesk calls exports/ --dry-run --json",
                       "curl -s ... | frontdesk calls -"});
  on_run(calls, ctx, run, Access::kWrite, [&ctx] { return run_calls(ctx, o); });
}

void demo_calls(Context& ctx) {
  auto& store = ctx.store();
  ctx.say("== calls: RingCentral / Pabbly payloads into call logs");
  std::string ticket = store.insert("HD Ticket", {{"subject", "Patio set missing a leg"},
                                                  {"raised_by", "pat@example.com"},
                                                  {"contact_mobile", "(555) 123-4567"}});
  switchboard::CallLoggerOptions options;  // the demo site's company number and region
  options.create_tickets = true;
  auto logger = std::make_shared<switchboard::CallLogger>(ctx.store_ptr(), options);
  switchboard::WebhookHandler handler(logger);
  const std::string seed = R"({"call_id": "test-123", "direction": "Inbound",
    "from_number": "+15551234567", "from_name": "Test Caller", "to_number": "+15559876543",
    "start_time": "2025-01-06T10:30:00Z", "duration": 120, "result": "Call connected",
    "recording": {"id": "rec-test-123", "contentUri": "https://example.com/recording.mp3"}})";
  for (int i = 1; i <= 2; ++i) {
    auto r = handler.handle({{"Content-Type", "application/json"}}, seed);
    ctx.say(fmt::format("POST the seed's curl payload (#{}): {} {}", i, r.status, r.body));
  }
  auto log = store.find_one("Helpdesk Call Log", switchboard::Query{switchboard::Filter("call_id", "test-123")});
  ctx.say(fmt::format("  -> Helpdesk Call Log {} on ticket {} (the ticket whose mobile is \"(555) 123-4567\": {})",
                      log->text("name"), log->text("ticket"), ticket));
  // A caller nobody knows: contact first, then the ticket (the seed's Contact Mobile Field Fix).
  auto r = logger->ingest(switchboard::parse_call_event(
      R"({"call_id": "demo-2", "direction": "Inbound", "from_number": "650-555-0100",
          "from_name": "Dana Client", "to_number": "+15559876543", "duration": 30,
          "result": "Missed"})"));
  ctx.say(fmt::format("unknown caller 650-555-0100: {} call log {}, new contact {}, new ticket {} (status {})",
                      r.action, r.call_log, r.contact, r.ticket,
                      store.get("Helpdesk Call Log", r.call_log)->text("status")));
  ctx.say("");
}

}  // namespace frontdesk
