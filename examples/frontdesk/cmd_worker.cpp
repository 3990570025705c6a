// frontdesk worker: runs the job queue — call-log lookups after each call, recording
// downloads, transcripts, the periodic call-log sync and the subscription check — until
// SIGTERM or SIGINT, which let the current job finish (or hand it back) before exiting.
#include <fmt/format.h>
#include <sys/stat.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "cli.h"

namespace frontdesk {

switchboard::CallLoggerOptions call_logger_options(Context& ctx, const std::vector<std::string>& company_numbers,
                                                   const std::string& region, bool create_tickets,
                                                   const switchboard::RingCentralJobOptions& jobs) {
  switchboard::CallLoggerOptions o;
  auto site = ctx.store().site();
  o.region = region.empty() ? site->region : region;
  o.company_numbers = company_numbers.empty() ? site->all_company_numbers() : company_numbers;
  o.create_tickets = create_tickets;
  o.after_ingest = switchboard::ringcentral_ingest_hook(jobs);
  return o;
}

namespace {

struct WorkerFlags {
  RcClientFlags client;
  std::string recordings, owner;
  std::vector<std::string> kinds, company_numbers;
  std::string region;
  bool create_tickets = false, once = false, no_periodic = false;
  bool tickets_for_unanswered = false, tickets_for_outbound = false;
  double seconds = 50, poll = 1, sync_interval = 300, lookup_delay = 30, lease = 0;
  int batch = 1;
};

std::atomic<switchboard::Worker*> g_worker{nullptr};

extern "C" void on_stop_signal(int) {
  if (switchboard::Worker* w = g_worker.load()) w->request_stop();  // an atomic store: signal-safe
}

std::string default_recordings_dir(const std::string& db) {
  if (db.find("://") != std::string::npos) return "recordings";  // a database server: the working directory
  std::size_t slash = db.rfind('/');
  return (slash == std::string::npos ? std::string(".") : db.substr(0, slash)) + "/recordings";
}

int run_worker(Context& ctx, const WorkerFlags& f) {
  switchboard::RingCentralJobOptions jo;
  jo.recordings_dir = f.recordings.empty() ? default_recordings_dir(ctx.db) : f.recordings;
  jo.sync_interval = std::chrono::seconds(static_cast<std::int64_t>(f.sync_interval));
  jo.lookup_delay = std::chrono::seconds(static_cast<std::int64_t>(f.lookup_delay));
  jo.lease = std::chrono::seconds(static_cast<std::int64_t>(f.lease));
  if (::mkdir(jo.recordings_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    std::fprintf(stderr, "frontdesk: cannot create %s\n", jo.recordings_dir.c_str());
    return kDataError;
  }
  auto store = ctx.store_ptr();
  auto client = make_ringcentral_client(ctx, f.client, false, /*throttle_waits=*/false);
  switchboard::CallLoggerOptions lo = call_logger_options(ctx, f.company_numbers, f.region, f.create_tickets, jo);
  lo.after_ingest = nullptr;  // RingCentralJobs adds its own hook
  lo.tickets_for_unanswered = f.tickets_for_unanswered;
  lo.tickets_for_outbound = f.tickets_for_outbound;
  switchboard::RingCentralJobs jobs(store, client, jo, lo);
  switchboard::WorkerOptions wo;
  wo.owner = f.owner;
  wo.batch = f.batch;
  wo.poll = std::chrono::milliseconds(static_cast<std::int64_t>(f.poll * 1000));
  // Every job's outcome goes to the diagnostics log (category "jobs"; -v prints it).
  switchboard::Worker worker(std::make_shared<switchboard::JobQueue>(store), wo);
  jobs.install(worker, !f.no_periodic);

  g_worker.store(&worker);
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  ctx.say("worker " + worker.owner() + " running" + (f.once ? " once" : "") + "; recordings in " +
          jo.recordings_dir);
  std::cout.flush();  // whoever started the worker sees that it runs
  if (f.once) {
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(static_cast<std::int64_t>(f.seconds * 1000));
    worker.run_due(deadline, f.kinds);
  } else {
    worker.run();
  }
  g_worker.store(nullptr);
  const auto& t = worker.totals();
  if (ctx.as_json)
    ctx.print_json({{"owner", worker.owner()}, {"done", t.done}, {"retried", t.retried},
                    {"rescheduled", t.rescheduled}, {"deferred", t.deferred}, {"given_up", t.failed},
                    {"lost", t.lost}});
  ctx.say(fmt::format("worker stopped: {} done, {} retried, {} rescheduled, {} deferred, {} given up", t.done,
                      t.retried, t.rescheduled, t.deferred, t.failed));
  return kOk;
}

}  // namespace

void add_worker_command(CLI::App& app, Context& ctx, Runner& run) {
  static WorkerFlags f;
  auto* cmd = app.add_subcommand(
      "worker",
      "Run the job queue until SIGTERM: call-log lookups after calls, recording downloads, transcripts, "
      "the call-log sync and the subscription renewal");
  cmd->add_option("--recordings", f.recordings,
                  "Directory for recordings (default: 'recordings' next to an SQLite --db, else in the working directory)");
  cmd->add_flag("--once", f.once, "Run the due jobs for at most --seconds, then exit (for cron)");
  cmd->add_option("--seconds", f.seconds, "With --once: the time budget")->capture_default_str();
  cmd->add_option("--kinds", f.kinds, "With --once: only these job kinds");
  cmd->add_option("--poll", f.poll, "Seconds between checks when nothing is due")->capture_default_str();
  cmd->add_option("--batch", f.batch, "Jobs leased at a time")->capture_default_str();
  cmd->add_option("--owner", f.owner, "Lease owner name (default host:pid:random)");
  cmd->add_option("--sync-interval", f.sync_interval, "Seconds between call-log syncs")->capture_default_str();
  cmd->add_option("--lookup-delay", f.lookup_delay, "Seconds after a call ends before its record is fetched")
      ->capture_default_str();
  cmd->add_option("--lease", f.lease,
                  "Seconds a job stays with a worker that stopped answering (default: per kind, 2-15 min)");
  cmd->add_flag("--no-periodic", f.no_periodic, "Do not queue the periodic sync and subscription check");
  cmd->add_option("--company-number", f.company_numbers, "The company's own numbers (default: the site's)");
  cmd->add_option("--region", f.region, "Region for numbers without a country code (default: the site's)");
  cmd->add_flag("--create-tickets", f.create_tickets, "Create a ticket when a call matches nothing");
  cmd->add_flag("--tickets-for-unanswered", f.tickets_for_unanswered,
                "With --create-tickets: also for calls nobody answered (missed, voicemail, busy)");
  cmd->add_flag("--tickets-for-outbound", f.tickets_for_outbound,
                "With --create-tickets: also for calls the company placed");
  cmd->add_option("--allow-origin", f.client.allow_origins,
                  "Allow this plain-http or local origin (a test server; never needed for RingCentral)");
  cmd->add_option("--key-file", f.client.key_file, "File with the secret key (else $SWITCHBOARD_SECRET_KEY)");
  add_json_flag(cmd, ctx);
  set_help(cmd,
           "Runs until SIGTERM or SIGINT; the job that runs then is finished or handed back.\n"
           "Jobs are leased from the database, so several workers may share one. -v prints\n"
           "every job's outcome on stderr. With --json, the totals are printed at the end.",
           {"frontdesk worker --db crm.sqlite", "frontdesk worker --once --seconds 50 --json",
            "frontdesk worker --once --kinds ringcentral.sync -v"});
  on_run(cmd, ctx, run, Access::kWrite, [&ctx] { return run_worker(ctx, f); });
}

}  // namespace frontdesk
