// frontdesk calls: ingest a JSONL file of call payloads (Pabbly relay bodies, RingCentral
// call-log records or telephony notifications) into call logs; and the calls demo.
#include <fmt/format.h>

#include <unistd.h>

#include <fstream>
#include <map>

#include "cli.h"

namespace frontdesk {
namespace {

struct CallOptions {
  std::string file;
  bool create_tickets = false;
  std::vector<std::string> company_numbers;
  std::string region;
  int batch = 200;
  bool progress = false;
};

int run_calls(Context& ctx, const CallOptions& o) {
  std::ifstream in(o.file);
  if (!in) {
    std::fprintf(stderr, "frontdesk: cannot read %s\n", o.file.c_str());
    return kFailed;
  }
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(std::move(line));
  switchboard::CallLoggerOptions options;
  options.create_tickets = o.create_tickets;
  if (!o.company_numbers.empty()) options.company_numbers = o.company_numbers;
  options.region = o.region;
  switchboard::CallLogger logger(ctx.store_ptr(), options);
  std::map<std::string, int> actions;
  std::vector<std::string> errors;
  int events = 0;
  ProgressBar bar("ingesting", static_cast<std::int64_t>(lines.size()), o.progress || isatty(2));
  auto& store = ctx.store();
  // Each event is its own savepoint inside a batch transaction: a bad event is reported and
  // rolled back alone, the batch goes on.
  for (std::size_t start = 0; start < lines.size(); start += static_cast<std::size_t>(o.batch)) {
    switchboard::Transaction batch(store);
    std::size_t end = std::min(lines.size(), start + static_cast<std::size_t>(o.batch));
    for (std::size_t i = start; i < end; ++i) {
      bar.tick();
      const std::string& line = lines[i];
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      ++events;
      try {
        switchboard::CallEvent event = switchboard::parse_call_event(line);
        switchboard::Transaction item(store);  // this line's savepoint
        auto r = logger.ingest(event);
        item.commit();
        ++actions[r.action];
      } catch (const switchboard::Error& e) {
        errors.push_back(fmt::format("line {}: {} [{}]", i + 1, e.what(), switchboard::error_code_name(e.code())));
      }
    }
    batch.commit();
  }
  bar.finish();
  ctx.say(fmt::format("{}: {} events — {} created, {} updated, {} duplicate, {} skipped, {} failed",
                      o.file, events, actions["created"], actions["updated"], actions["duplicate"],
                      actions["skipped"], errors.size()));
  for (std::size_t i = 0; i < errors.size() && i < 20; ++i) std::fprintf(stderr, "  %s\n", errors[i].c_str());
  if (errors.size() > 20) std::fprintf(stderr, "  ... and %zu more\n", errors.size() - 20);
  if (events == 0) return kNoData;
  return errors.empty() ? kOk : kFailed;
}

}  // namespace

void add_call_commands(CLI::App& app, Context& ctx, Runner& run) {
  static CallOptions o;
  auto* calls = app.add_subcommand("calls", "Ingest call payloads (one JSON per line) into "
                                            "call logs, linked to tickets, leads and contacts");
  calls->add_option("file", o.file, "JSONL file of payloads")->required()->check(CLI::ExistingFile);
  calls->add_flag("--create-tickets", o.create_tickets, "Create a ticket when a call matches nothing");
  calls->add_option("--company-number", o.company_numbers,
                    "The company's own numbers (default: the site's)");
  calls->add_option("--region", o.region,
                    "Region for numbers without a country code (default: the site's)");
  calls->add_option("--batch", o.batch, "Events per transaction")->check(CLI::Range(1, 100000));
  calls->add_flag("--progress", o.progress, "Show a progress bar even when stderr is not a terminal");
  calls->callback([&ctx, &run] { run = [&ctx] { return run_calls(ctx, o); }; });
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
