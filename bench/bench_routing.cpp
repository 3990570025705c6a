// Router throughput on SqliteStore: route() with one transaction per mail over 100,000
// generated mails, route_many() with 500 mails per transaction (a savepoint per mail), plan()
// on the filled store, GMime parsing, and peak memory. Prints a
// markdown table. The baseline, measured in the same run on an identical file, is the least
// any router must do per mail: one SqliteStore transaction that inserts the mail's
// Communication row.
//
// The generated mix (deterministic): new support requests from new senders, their replies
// (In-Reply-To and References), repeat mails to support@ (linked to the open ticket), sales
// and info inquiries (new leads, then linked), mail to other addresses (history fallback),
// out-of-office replies in a thread, newsletters, blocked, system and internal senders, and
// re-deliveries (duplicates).
#include <sys/resource.h>

#include <algorithm>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "source_paths.h"
#include "switchboard/switchboard.h"

namespace {

using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;
using namespace switchboard;

int kMails = 100000;  // SWITCHBOARD_BENCH_MAILS overrides (quick runs)

struct Mix {
  std::vector<InboundEmail> mails;
  std::map<std::string, int> kinds;
};

InboundEmail base(int i, const std::string& from, const std::string& to, const std::string& subject) {
  InboundEmail e;
  e.message_id = "m" + std::to_string(i) + "@mail.example.com";
  e.sender = from;
  e.sender_full_name = "";
  e.to = {to};
  e.subject = subject;
  e.email_account = "Support";
  e.content = "Hello, this is mail number " + std::to_string(i) + ". Please help with my order.";
  e.text_content = e.content;
  return e;
}

Mix generate(int n) {
  Mix mix;
  mix.mails.reserve(static_cast<std::size_t>(n));
  std::vector<int> support_roots;  // indexes of first support mails (to reply to)
  int customers = 0, prospects = 0;
  for (int i = 0; i < n; ++i) {
    int slot = i % 20;
    InboundEmail e;
    std::string kind;
    if (slot < 7 || support_roots.empty()) {  // 35%: a new customer writes to support@
      std::string who = "customer" + std::to_string(++customers) + "@example.com";
      e = base(i, who, "support@cozycornerpatios.com", "Order question " + std::to_string(i));
      e.sender_full_name = "Customer " + std::to_string(customers);
      support_roots.push_back(i);
      kind = "new support request";
    } else if (slot < 11) {  // 20%: a reply in a support thread
      int root = support_roots[static_cast<std::size_t>(i * 7919) % support_roots.size()];
      const InboundEmail& r = mix.mails[static_cast<std::size_t>(root)];
      e = base(i, r.sender, "support@cozycornerpatios.com", "Re: " + r.subject);
      if (slot % 2) e.in_reply_to = r.message_id;
      else e.references = {r.message_id, "agent" + std::to_string(i) + "@cozycornerpatios.com"};
      kind = "reply (In-Reply-To / References)";
    } else if (slot < 13) {  // 10%: the same customer writes to support@ again
      int root = support_roots[static_cast<std::size_t>(i * 104729) % support_roots.size()];
      e = base(i, mix.mails[static_cast<std::size_t>(root)].sender, "support@zipcushions.com", "Another thing");
      kind = "repeat mail to support@";
    } else if (slot < 15) {  // 10%: sales / info inquiries, half from returning prospects
      int who = slot == 13 ? ++prospects : std::max(1, prospects - 3);
      e = base(i, "prospect" + std::to_string(who) + "@example.org",
               slot == 13 ? "sales@zipcushions.com" : "info@cozycornerpatios.com", "Quote request");
      kind = "sales / info inquiry";
    } else if (slot == 15) {  // 5%: mail to another address (history fallback)
      e = base(i, "visitor" + std::to_string(i) + "@example.net", "hello@zipcushions.com", "Hi");
      kind = "to another address";
    } else if (slot == 16) {  // 5%: an out-of-office reply in a thread
      int root = support_roots[static_cast<std::size_t>(i * 31) % support_roots.size()];
      e = base(i, mix.mails[static_cast<std::size_t>(root)].sender, "support@cozycornerpatios.com",
               "Automatic reply: Order question");
      e.in_reply_to = mix.mails[static_cast<std::size_t>(root)].message_id;
      e.headers = {{"Auto-Submitted", "auto-replied"}};
      kind = "out-of-office in a thread";
    } else if (slot == 17) {  // 5%: newsletters and system senders
      e = base(i, i % 2 ? "news@trade.example" : "no-reply@tracking.example", "support@zipcushions.com", "News");
      if (i % 2) e.headers = {{"List-Id", "<weekly.trade.example>"}};
      kind = "newsletter / no-reply";
    } else if (slot == 18) {  // 5%: blocked and internal senders
      e = base(i, i % 2 ? "admin@example.com" : "sam@cozycornerpatios.com", "support@zipcushions.com", "x");
      kind = "blocked / internal";
    } else {  // 5%: a re-delivery of an earlier mail
      e = mix.mails[static_cast<std::size_t>(i / 2)];
      kind = "re-delivery (duplicate)";
    }
    ++mix.kinds[kind];
    mix.mails.push_back(std::move(e));
  }
  return mix;
}

// A fresh store of the generated mail's company: its domains and aliases are the site's.
std::shared_ptr<Store> open_store(const fs::path& path, bool fresh = true) {
  if (fresh)
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
  std::shared_ptr<Store> store = make_sqlite_store(path.string());
  SiteConfig site;
  site.company_domains = {"cozycornerpatios.com", "zipcushions.com"};
  for (const char* domain : {"cozycornerpatios.com", "zipcushions.com"}) {
    site.support_aliases.push_back(std::string("support@") + domain);
    site.sales_aliases.push_back(std::string("sales@") + domain);
    site.info_aliases.push_back(std::string("info@") + domain);
  }
  save_site_config(*store, site);
  return store;
}

double seconds_since(Steady::time_point t0) {
  return std::chrono::duration<double>(Steady::now() - t0).count();
}

// Wall time and CPU time (user, system) of one phase.
struct Timing {
  double wall = 0, user = 0, sys = 0;
};

struct Stopwatch {
  Steady::time_point t0 = Steady::now();
  rusage r0 = usage();
  static rusage usage() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u;
  }
  static double secs(const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; }
  Timing stop() const {
    rusage r1 = usage();
    return Timing{seconds_since(t0), secs(r1.ru_utime) - secs(r0.ru_utime), secs(r1.ru_stime) - secs(r0.ru_stime)};
  }
};

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// The floor: one transaction per `batch` mails (1: per mail) inserting only their Communication
// rows.
Timing baseline(const fs::path& dir, const Mix& mix, std::size_t batch = 1) {
  auto store = open_store(dir / ("baseline-" + std::to_string(batch) + ".sqlite"));
  Stopwatch watch;
  std::optional<Transaction> tx;
  std::size_t in_tx = 0;
  for (const auto& e : mix.mails) {
    if (!tx) tx.emplace(*store);
    store->insert("Communication", {{"message_id", e.message_id},
                                    {"sender", e.sender},
                                    {"subject", e.subject},
                                    {"content", e.content},
                                    {"text_content", e.text_content},
                                    {"recipients", e.to.front()},
                                    {"reference_doctype", "HD Ticket"},
                                    {"reference_name", "0001"},
                                    {"email_account", e.email_account}});
    if (++in_tx == batch) {
      tx->commit();
      tx.reset();
      in_tx = 0;
    }
  }
  if (tx) tx->commit();
  return watch.stop();
}

struct Run {
  Timing time;
  std::map<std::string, int> actions;
};

Run route_all(const fs::path& file, const Mix& mix, const RoutingRules& rules) {
  auto store = open_store(file);
  Router router(store, rules);
  Run run;
  Stopwatch watch;
  for (const auto& e : mix.mails) ++run.actions[router.route(e).action];
  run.time = watch.stop();
  return run;
}

// Router::route_many over the mix, `batch` mails per call (one transaction each).
Run route_batches(const fs::path& file, const Mix& mix, const RoutingRules& rules, std::size_t batch) {
  auto store = open_store(file);
  Router router(store, rules);
  Run run;
  Stopwatch watch;
  std::vector<InboundEmail> part;
  for (std::size_t start = 0; start < mix.mails.size(); start += batch) {
    part.assign(mix.mails.begin() + static_cast<std::ptrdiff_t>(start),
                mix.mails.begin() + static_cast<std::ptrdiff_t>(std::min(mix.mails.size(), start + batch)));
    for (const auto& r : router.route_many(part)) ++run.actions[r.action];
  }
  run.time = watch.stop();
  return run;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir = argc > 1 ? fs::path(argv[1]) : fs::temp_directory_path() / "switchboard-bench-routing";
  fs::create_directories(dir);
  if (const char* n = std::getenv("SWITCHBOARD_BENCH_MAILS")) kMails = std::max(100, std::atoi(n));
  Mix mix = generate(kMails);
  long rss_after_generate = peak_rss_kib();

  // SWITCHBOARD_BENCH_ONLY=route|route_many: that phase alone, for profiling (perf record,
  // callgrind), with the default rules; SWITCHBOARD_BENCH_ROUTE_LOG sets route_log and
  // SWITCHBOARD_BENCH_BATCH the mails per route_many call (500).
  if (const char* only = std::getenv("SWITCHBOARD_BENCH_ONLY")) {
    RoutingRules defaults;
    if (const char* rl = std::getenv("SWITCHBOARD_BENCH_ROUTE_LOG")) defaults.route_log = rl;
    std::size_t batch = 500;
    if (const char* b = std::getenv("SWITCHBOARD_BENCH_BATCH")) batch = std::max(1, std::atoi(b));
    Run r = std::string(only) == "route" ? route_all(dir / "only.sqlite", mix, defaults)
                                         : route_batches(dir / "only.sqlite", mix, defaults, batch);
    std::printf("%s: %.0f mails/s, CPU %.0f / %.0f µs per mail\n", only, kMails / r.time.wall,
                r.time.user * 1e6 / kMails, r.time.sys * 1e6 / kMails);
    return 0;
  }
  Timing floor = baseline(dir, mix);
  Timing floor_batched = baseline(dir, mix, 500);
  // The three Error Log policies with no decision log (the rows earlier versions measured),
  // then the defaults: critical errors only in Error Log, one decision-log row per mail.
  RoutingRules all;
  all.error_log = "all";
  all.route_log = "none";
  Run routed = route_all(dir / "route-all.sqlite", mix, all);
  long rss_after_route = peak_rss_kib();
  RoutingRules outcome;
  outcome.error_log = "outcome";
  outcome.route_log = "none";
  Run routed_outcome = route_all(dir / "route-outcome.sqlite", mix, outcome);
  RoutingRules none;
  none.error_log = "none";
  none.route_log = "none";
  Run routed_none = route_all(dir / "route-none.sqlite", mix, none);
  RoutingRules defaults;
  Run routed_defaults = route_all(dir / "route-defaults.sqlite", mix, defaults);
  Run batched = route_batches(dir / "route-many.sqlite", mix, defaults, 500);

  // plan() over the same mails on the store route() filled (every mail is now a duplicate
  // or a skip: that is what the hook sees on a re-save), and on a fresh copy of the mix
  // with new Message-IDs (full decisions against 100,000 routed mails).
  auto filled = open_store(dir / "route-outcome.sqlite", /*fresh=*/false);
  Router planner(filled, outcome);
  std::vector<InboundEmail> fresh = mix.mails;
  for (auto& e : fresh) e.message_id = "new-" + e.message_id;
  Stopwatch plan_watch;
  std::map<std::string, int> planned;
  for (const auto& e : fresh) ++planned[planner.plan(e).action];
  Timing plan_time = plan_watch.stop();

  // GMime parsing of the sample mailbox, repeated.
  std::vector<std::string> raws;
  fs::path mailbox = fs::path(SWITCHBOARD_SOURCE_DIR) / "tests" / "data" / "routing" / "mailbox";
  if (fs::is_directory(mailbox))
    for (const auto& entry : fs::directory_iterator(mailbox)) raws.push_back(read_file(entry.path()));
  int parsed = 0;
  Timing parse_time;
  if (!raws.empty()) {
    Stopwatch parse_watch;
    while (parsed < 20000) {
      for (const auto& r : raws) {
        InboundEmail e = InboundEmail::from_rfc822(r, "Inbox");
        parsed += e.message_id.empty() ? 0 : 1;
      }
    }
    parse_time = parse_watch.stop();
  }
  long rss_end = peak_rss_kib();

  auto row = [&](const char* what, int n, const Timing& t, bool ratio) {
    std::printf("| %s | %d | %.0f | %s | %.0f / %.0f |\n", what, n, n / t.wall,
                ratio ? std::to_string(t.wall / floor.wall).substr(0, 4).c_str() : "-",
                t.user * 1e6 / n, t.sys * 1e6 / n);
  };
  std::printf("| operation | mails | mails/s | time / baseline time | CPU µs per mail (user / system) |\n"
              "|---|---|---|---|---|\n");
  row("baseline: one transaction inserting the Communication only", kMails, floor, true);
  row("route(), error_log=all (every step logged, as the original scripts did)", kMails, routed.time, true);
  row("route(), error_log=outcome (one log row per mail)", kMails, routed_outcome.time, true);
  row("route(), error_log=none", kMails, routed_none.time, true);
  row("route(), defaults (error_log=errors, route_log=outcome)", kMails, routed_defaults.time, true);
  row("route_many(), defaults, 500 mails per batch (one transaction each)", kMails, batched.time, true);
  row("batched floor: the Communication only, 500 mails per transaction", kMails, floor_batched, true);
  row("plan() against the routed store (new Message-IDs)", kMails, plan_time, true);
  if (parsed) row("InboundEmail::from_rfc822 (GMime), sample mailbox", parsed, parse_time, false);
  if (routed_defaults.actions != routed.actions) std::printf("\nroute() decided differently with the defaults!");
  if (batched.actions != routed_defaults.actions) std::printf("\nroute_many() decided differently from route()!");
  std::printf("\nRates against the floor (floor time / time): route() defaults %.2f, route() "
              "error_log=none %.2f, route_many() %.2f; route_many() against the batched floor %.2f.",
              floor.wall / routed_defaults.time.wall, floor.wall / routed_none.time.wall,
              floor.wall / batched.time.wall, floor_batched.wall / batched.time.wall);
  std::printf("\nActions of route(): ");
  for (const auto& [a, n] : routed.actions) std::printf("%s %d; ", a.c_str(), n);
  std::printf("\nActions of plan(): ");
  for (const auto& [a, n] : planned) std::printf("%s %d; ", a.c_str(), n);
  std::printf("\nMix: ");
  for (const auto& [k, n] : mix.kinds) std::printf("%s %d; ", k.c_str(), n);
  std::printf("\nPeak resident memory: %.1f MiB after generating the mails, %.1f MiB after route(), "
              "%.1f MiB at the end.\n",
              rss_after_generate / 1024.0, rss_after_route / 1024.0, rss_end / 1024.0);
  return 0;
}
