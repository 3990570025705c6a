// bench_mariadb: route, ingest and bulk_merge on MariaDbStore with 1, 2 and 4 processes,
// against SqliteStore with as many processes in the same run, and against the floor: raw
// Connector/C sending exactly the statements the store sent (recorded, then replayed on an
// identical copy of the database, prepared once, results copied into strings).
//
// Usage: bench_mariadb DIR [SCALE]   (SCALE 1 = 8,000 mails, 20,000 events, 20,000 tickets)
// The server is SWITCHBOARD_TEST_MARIADB_URL (`make bench` starts a private one); without it
// the benchmark says so and exits 0.
#include <mysql.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "mariadb/connection.h"
#include "switchboard/switchboard.h"
#include "switchboard/mariadb_store.h"

using namespace switchboard;
using SteadyClock = std::chrono::steady_clock;

namespace {

std::string g_url;  // the server, database "sbtest"
std::string g_dir;
const int kProcesses[] = {1, 2, 4};
const char* kCompany = "+15559876543";

double seconds_since(SteadyClock::time_point t0) {
  return std::chrono::duration<double>(SteadyClock::now() - t0).count();
}

std::string url_for(const std::string& database) {
  std::size_t scheme = g_url.find("://");
  std::size_t slash = g_url.find('/', scheme + 3);
  std::size_t query = g_url.find('?', scheme + 3);
  return g_url.substr(0, slash == std::string::npos ? query : slash) + "/" + database +
         (query == std::string::npos ? "" : g_url.substr(query));
}

mariadb::Connection& admin() {
  static mariadb::Connection conn(mariadb::parse_url(url_for("mysql"), {}), 8);
  return conn;
}

// CPU seconds used by waited-for child processes so far.
double children_cpu() {
  rusage u{};
  getrusage(RUSAGE_CHILDREN, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// CPU seconds the MariaDB server has used (when it runs on this machine), else -1.
double server_cpu() {
  static std::string stat_path = [] {
    try {
      auto rows = admin().query("SELECT @@pid_file");
      std::FILE* f = std::fopen(rows.at(0).at(0).to_text().c_str(), "r");
      if (!f) return std::string();
      long pid = 0;
      if (std::fscanf(f, "%ld", &pid) != 1) pid = 0;
      std::fclose(f);
      return pid ? "/proc/" + std::to_string(pid) + "/stat" : std::string();
    } catch (...) {
      return std::string();
    }
  }();
  std::FILE* f = stat_path.empty() ? nullptr : std::fopen(stat_path.c_str(), "r");
  if (!f) return -1;
  char buf[4096];
  std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = 0;
  const char* p = std::strrchr(buf, ')');  // fields after the command name
  unsigned long utime = 0, stime = 0;
  if (!p || std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
    return -1;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::string cpu_text(double v) {
  char b[32];
  if (v < 0) return "-";
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

void drop_database(const std::string& db) { admin().exec("DROP DATABASE IF EXISTS `" + db + "`"); }

// An exact copy of a database: every table's definition and rows.
void clone_database(const std::string& from, const std::string& to) {
  drop_database(to);
  admin().exec("CREATE DATABASE `" + to + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  for (auto& row : admin().query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE "
                                 "TABLE_SCHEMA = " + admin().quote(from))) {
    const std::string t = "`" + row[0].as_text() + "`";
    admin().exec("CREATE TABLE `" + to + "`." + t + " LIKE `" + from + "`." + t);
    admin().exec("INSERT INTO `" + to + "`." + t + " SELECT * FROM `" + from + "`." + t);
  }
}

// ---- workloads --------------------------------------------------------------------------------

struct Workload {
  std::string name, unit;
  std::function<void(Store&)> seed;
  /// Process k of p does its share; returns the operations it completed.
  std::function<std::int64_t(std::shared_ptr<Store>, int k, int p)> run;
};

std::string caller(int c) {
  char b[32];
  std::snprintf(b, sizeof b, "+1650555%04d", c);
  return b;
}

std::vector<std::string> call_events(int calls) {
  std::vector<std::string> out;
  const char* codes[] = {"Setup", "Proceeding", "Answered", "Disconnected"};
  const char* results[] = {"Call connected", "Missed", "Busy", "Voicemail"};
  std::mt19937 rng(18);
  for (int i = 0; i < calls; ++i) {
    std::string who = caller(static_cast<int>(rng() % 2000));
    std::string party = "{\"direction\":\"Inbound\",\"from\":{\"phoneNumber\":\"" + who +
                        "\"},\"to\":{\"phoneNumber\":\"" + kCompany + "\"},\"status\":{\"code\":\"";
    for (int seq = 1; seq <= 4; ++seq)
      out.push_back("{\"uuid\":\"ev-" + std::to_string(i) + "-" + std::to_string(seq) +
                    "\",\"event\":\"/restapi/v1.0/account/1/extension/2/telephony/sessions\","
                    "\"body\":{\"sequence\":" + std::to_string(seq) + ",\"sessionId\":\"" +
                    std::to_string(7000000000L + i) + "\",\"telephonySessionId\":\"s-" +
                    std::to_string(i) + "\",\"eventTime\":\"2026-04-01T12:00:0" +
                    std::to_string(seq) + ".000Z\",\"parties\":[" + party + codes[seq - 1] +
                    "\"}}]}}");
    out.push_back("{\"id\":\"CL" + std::to_string(i) + "\",\"sessionId\":\"" +
                  std::to_string(7000000000L + i) + "\",\"telephonySessionId\":\"s-" +
                  std::to_string(i) + "\",\"startTime\":\"2026-04-01T12:00:00.000Z\","
                  "\"duration\":" + std::to_string(rng() % 600) + ",\"direction\":\"Inbound\","
                  "\"result\":\"" + results[rng() % 4] + "\",\"from\":{\"phoneNumber\":\"" + who +
                  "\"},\"to\":{\"phoneNumber\":\"" + kCompany + "\"}}");
  }
  std::shuffle(out.begin(), out.end(), rng);  // as a load balancer hands them out
  return out;
}

Workload ingest_workload(int calls) {
  auto events = std::make_shared<std::vector<std::string>>(call_events(calls));
  return {"ingest", "events",
          [](Store& s) {
            Transaction tx(s);
            for (int c = 0; c < 500; ++c)
              s.insert("HD Ticket", {{"subject", "Customer"}, {"contact_mobile", caller(c)}});
            tx.commit();
          },
          [events](std::shared_ptr<Store> store, int k, int p) {
            CallLoggerOptions o;
            o.company_numbers = {kCompany};
            CallLogger logger(store, o);
            std::int64_t n = 0;
            for (std::size_t i = static_cast<std::size_t>(k); i < events->size(); i += static_cast<std::size_t>(p)) {
              logger.ingest(parse_call_event((*events)[i]));
              ++n;
            }
            return n;
          }};
}

std::vector<InboundEmail> mails(int count) {
  std::mt19937 rng(7);
  std::vector<InboundEmail> out;
  std::vector<std::pair<std::string, std::string>> sent;  // (sender, message id)
  int senders = 0;
  for (int i = 0; i < count; ++i) {
    InboundEmail m;
    m.email_account = "Support";
    m.message_id = "m" + std::to_string(i) + "@bench.example";
    m.content = "<p>Hello, about my order.</p>";
    const unsigned r = rng() % 100;
    if (r < 40 || sent.empty()) {  // a new support request from a new sender
      int s = senders++;
      m.sender = "customer" + std::to_string(s) + "@mail.example";
      m.sender_full_name = "Customer " + std::to_string(s);
      m.to = {"support@cozycornerpatios.com"};
      m.subject = "Order question " + std::to_string(i);
    } else if (r < 60) {  // a reply in a thread
      const auto& [sender, id] = sent[rng() % sent.size()];
      m.sender = sender;
      m.to = {"support@cozycornerpatios.com"};
      m.subject = "Re: Order question";
      m.in_reply_to = id;
      m.references = {id};
    } else if (r < 75) {  // another mail from a known sender
      m.sender = sent[rng() % sent.size()].first;
      m.to = {"support@cozycornerpatios.com"};
      m.subject = "One more thing";
    } else if (r < 95) {  // a sales inquiry
      int s = senders++;
      m.sender = "buyer" + std::to_string(s) + "@shop.example";
      m.sender_full_name = "Buyer " + std::to_string(s);
      m.to = {"sales@zipcushions.com"};
      m.subject = "Wholesale prices";
    } else {  // a mail delivered twice
      m = out[rng() % out.size()];
    }
    if (m.sender.find("customer") == 0 || m.sender.find("buyer") == 0) sent.emplace_back(m.sender, m.message_id);
    out.push_back(std::move(m));
  }
  return out;
}

Workload route_workload(int count) {
  auto all = std::make_shared<std::vector<InboundEmail>>(mails(count));
  return {"route", "mails", [](Store&) {},
          [all](std::shared_ptr<Store> store, int k, int p) {
            RoutingRules rules;
            rules.error_log = "none";
            Router router(store, rules);
            std::int64_t n = 0;
            for (std::size_t i = static_cast<std::size_t>(k); i < all->size(); i += static_cast<std::size_t>(p)) {
              RouteResult r = router.route((*all)[i]);
              if (r.reason == "error") throw StoreError(ErrorCode::kInternal, "route failed: " + r.error);
              ++n;
            }
            return n;
          }};
}

Workload merge_workload(int tickets) {
  return {"bulk_merge", "merges",
          [tickets](Store& s) {
            const int originals = tickets - tickets / 10;
            std::mt19937 rng(3);
            constexpr int kBatch = 2000;
            for (int b = 0; b < tickets; b += kBatch) {
              Transaction tx(s);
              for (int i = b; i < std::min(tickets, b + kBatch); ++i) {
                long v = 2000000000L + (i < originals ? i : static_cast<int>(rng() % static_cast<unsigned>(originals))) * 7L;
                std::string n = std::to_string(v);
                std::string shown = i < originals ? "+1 (" + n.substr(0, 3) + ") " + n.substr(3, 3) + "-" + n.substr(6)
                                                  : n.substr(0, 3) + "." + n.substr(3, 3) + "." + n.substr(6);
                char name[32];
                std::snprintf(name, sizeof name, "T%07d", i);
                s.insert("HD Ticket", {{"name", name}, {"subject", "call"}, {"contact_mobile", shown}});
                for (int c = 0; c < 3; ++c)
                  s.insert("Helpdesk Call Log", {{"call_id", std::string(name) + "-" + std::to_string(c)},
                                                 {"ticket", name}, {"from_number", shown}});
              }
              tx.commit();
            }
          },
          [](std::shared_ptr<Store> store, int, int) {
            MergeOptions o;
            o.batch_size = 200;  // commits along the way, so processes can share the work
            PhoneMerger merger(store, "US", o);
            return static_cast<std::int64_t>(merger.bulk_merge("HD Ticket").merges.size());
          }};
}

// ---- processes ----------------------------------------------------------------------------------

// Forks p processes; each opens its store, waits until all are open, then works. Returns the
// wall time of the work and the operations done in total.
struct RunResult {
  double wall = 0, client_cpu = 0, server_cpu = -1;
  std::int64_t ops = 0;
};

RunResult run_processes(int p, const std::function<std::shared_ptr<Store>()>& open,
                        const Workload& w, bool mariadb) {
  int ready[2], go[2], done[2];
  if (pipe(ready) || pipe(go) || pipe(done)) std::abort();
  std::fflush(stdout);
  std::vector<pid_t> pids;
  for (int k = 0; k < p; ++k) {
    pid_t pid = fork();
    if (pid == 0) {
      close(go[1]);
      try {
        auto store = open();
        char c = 1;
        if (write(ready[1], &c, 1) != 1) _exit(3);
        if (read(go[0], &c, 1) < 0) _exit(3);  // EOF: go
        std::int64_t n = w.run(store, k, p);
        store.reset();  // closed properly (an SQLite file checkpoints its WAL)
        if (write(done[1], &n, sizeof n) != sizeof n) _exit(3);
        std::fflush(stdout);
        _exit(0);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_mariadb: %s (process %d of %d): %s\n", w.name.c_str(), k, p, e.what());
        _exit(1);
      }
    }
    pids.push_back(pid);
  }
  close(go[0]);
  for (int k = 0; k < p; ++k) {
    char c;
    if (read(ready[0], &c, 1) != 1) std::abort();
  }
  const double cpu0 = children_cpu(), server0 = mariadb ? server_cpu() : -1;
  auto t0 = SteadyClock::now();
  close(go[1]);  // every child's read returns: go
  std::int64_t total = 0;
  bool failed = false;
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    failed = failed || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
  }
  RunResult r;
  r.wall = seconds_since(t0);
  r.client_cpu = children_cpu() - cpu0;  // includes opening the stores, before the clock
  if (server0 >= 0) r.server_cpu = server_cpu() - server0;
  for (int k = 0; k < p && !failed; ++k) {
    std::int64_t n = 0;
    if (read(done[0], &n, sizeof n) == sizeof n) total += n;
  }
  for (int fd : {ready[0], ready[1], done[0], done[1]}) close(fd);
  if (failed) throw StoreError(ErrorCode::kInternal, w.name + ": a process failed");
  r.ops = total;
  return r;
}

// ---- the floor: raw Connector/C replaying recorded statements ---------------------------------

double replay(const std::string& database, const std::vector<mariadb::TracedStatement>& trace) {
  auto spec = mariadb::parse_url(url_for(database), {});
  MYSQL* db = mysql_init(nullptr);
  mysql_optionsv(db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (!mysql_real_connect(db, "localhost", spec.user.c_str(), spec.password_given ? spec.password.c_str() : nullptr,
                          spec.database.c_str(), spec.port, spec.socket.empty() ? nullptr : spec.socket.c_str(),
                          CLIENT_FOUND_ROWS))
    throw StoreError(ErrorCode::kIo, mysql_error(db));
  auto must = [&](int rc, const std::string& what) {
    if (rc) throw StoreError(ErrorCode::kBackend, what + ": " + mysql_error(db));
  };
  // The session the store sets up: the same isolation and strictness.
  must(mysql_query(db, "SET SESSION sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
                       "NO_ENGINE_SUBSTITUTION,NO_AUTO_CREATE_USER', collation_connection = "
                       "'utf8mb4_unicode_ci'"), "session");
  must(mysql_query(db, "SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE"), "isolation");
  std::unordered_map<std::string, MYSQL_STMT*> prepared;
  std::vector<std::string> copied;
  auto t0 = SteadyClock::now();
  for (const auto& t : trace) {
    if (!t.prepared) {
      must(mysql_real_query(db, t.sql.data(), t.sql.size()), t.sql);
      if (MYSQL_RES* r = mysql_store_result(db)) mysql_free_result(r);
      continue;
    }
    MYSQL_STMT*& stmt = prepared[t.sql];
    if (!stmt) {
      stmt = mysql_stmt_init(db);
      must(mysql_stmt_prepare(stmt, t.sql.data(), t.sql.size()), t.sql);
    }
    std::vector<MYSQL_BIND> binds(t.params.size());
    std::vector<long long> ints(t.params.size());
    std::vector<double> reals(t.params.size());
    std::vector<unsigned long> lengths(t.params.size());
    for (std::size_t i = 0; i < t.params.size(); ++i) {
      const Value& v = t.params[i];
      MYSQL_BIND& b = binds[i];
      if (v.is_null()) {
        b.buffer_type = MYSQL_TYPE_NULL;
      } else if (v.is_int()) {
        ints[i] = v.as_int();
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = &ints[i];
      } else if (v.is_real()) {
        reals[i] = v.as_real();
        b.buffer_type = MYSQL_TYPE_DOUBLE;
        b.buffer = &reals[i];
      } else {
        lengths[i] = static_cast<unsigned long>(v.as_text().size());
        b.buffer_type = MYSQL_TYPE_STRING;
        b.buffer = const_cast<char*>(v.as_text().data());
        b.buffer_length = lengths[i];
        b.length = &lengths[i];
      }
    }
    if (!binds.empty()) must(mysql_stmt_bind_param(stmt, binds.data()), "bind");
    must(mysql_stmt_execute(stmt), t.sql);
    if (MYSQL_RES* meta = mysql_stmt_result_metadata(stmt)) {  // rows, copied into strings
      unsigned n = mysql_num_fields(meta);
      mysql_free_result(meta);
      std::vector<MYSQL_BIND> out(n);
      std::vector<std::vector<char>> bufs(n, std::vector<char>(1024));
      std::vector<unsigned long> lens(n);
      std::vector<my_bool> nulls(n);
      for (unsigned c = 0; c < n; ++c) {
        out[c].buffer_type = MYSQL_TYPE_STRING;
        out[c].buffer = bufs[c].data();
        out[c].buffer_length = 1024;
        out[c].length = &lens[c];
        out[c].is_null = &nulls[c];
      }
      must(mysql_stmt_bind_result(stmt, out.data()), "bind result");
      int rc;
      while ((rc = mysql_stmt_fetch(stmt)) == 0 || rc == MYSQL_DATA_TRUNCATED)
        for (unsigned c = 0; c < n; ++c)
          if (!nulls[c]) copied.emplace_back(bufs[c].data(), std::min<unsigned long>(lens[c], 1024));
      mysql_stmt_free_result(stmt);
      if (copied.size() > 100000) copied.clear();
    }
  }
  double wall = seconds_since(t0);
  for (auto& [sql, stmt] : prepared) mysql_stmt_close(stmt);
  mysql_close(db);
  return wall;
}

void bench(const Workload& w) {
  std::printf("\n### %s\n\n", w.name.c_str());
  std::printf("| store | processes | %s | %s/s | wall s | speed-up over 1 process | client CPU s | server CPU s |\n"
              "|---|---|---|---|---|---|---|---|\n", w.unit.c_str(), w.unit.c_str());
  // SQLite: a seeded file, copied for every run.
  const std::string sqlite_template = g_dir + "/" + w.name + "-template.sqlite";
  {
    auto s = make_sqlite_store(sqlite_template);
    w.seed(*s);
  }
  double sqlite_one = 0;
  for (int p : kProcesses) {
    const std::string path = g_dir + "/" + w.name + "-" + std::to_string(p) + ".sqlite";
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    std::filesystem::copy_file(sqlite_template, path);
    RunResult r = run_processes(p, [&] { return std::shared_ptr<Store>(make_sqlite_store(path)); }, w, false);
    if (p == 1) sqlite_one = r.wall;
    std::printf("| SqliteStore | %d | %lld | %.0f | %.2f | %.2f | %s | - |\n", p, static_cast<long long>(r.ops),
                static_cast<double>(r.ops) / r.wall, r.wall, sqlite_one / r.wall, cpu_text(r.client_cpu).c_str());
    std::fflush(stdout);
  }
  // MariaDB: a seeded database, cloned for every run.
  const std::string tmpl = "sbbench_" + w.name + "_template";
  drop_database(tmpl);
  admin().exec("CREATE DATABASE `" + tmpl + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  {
    auto s = make_mariadb_store(url_for(tmpl));
    w.seed(*s);
  }
  double one = 0;
  for (int p : kProcesses) {
    const std::string db = "sbbench_" + w.name + "_" + std::to_string(p);
    clone_database(tmpl, db);
    RunResult r = run_processes(p, [&] { return std::shared_ptr<Store>(make_mariadb_store(url_for(db))); }, w, true);
    if (p == 1) one = r.wall;
    std::printf("| MariaDbStore | %d | %lld | %.0f | %.2f | %.2f | %s | %s |\n", p, static_cast<long long>(r.ops),
                static_cast<double>(r.ops) / r.wall, r.wall, one / r.wall, cpu_text(r.client_cpu).c_str(),
                cpu_text(r.server_cpu).c_str());
    std::fflush(stdout);
    drop_database(db);
  }
  // The floor: record the statements of a one-process run, replay them raw on a fresh copy.
  const std::string traced = "sbbench_" + w.name + "_traced", raw = "sbbench_" + w.name + "_raw";
  clone_database(tmpl, traced);
  clone_database(tmpl, raw);
  std::vector<mariadb::TracedStatement> trace;
  std::int64_t n = 0;
  {
    std::shared_ptr<Store> s = make_mariadb_store(url_for(traced));
    mariadb::set_process_trace(&trace);
    n = w.run(s, 0, 1);
    mariadb::set_process_trace(nullptr);
  }
  const double server0 = server_cpu();
  const auto c0 = std::clock();
  double floor = replay(raw, trace);
  const double client = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  const double server = server0 >= 0 ? server_cpu() - server0 : -1;
  if (std::getenv("BENCH_MARIADB_STATEMENTS")) {  // what the store sends, most frequent first
    std::map<std::string, int> count;
    for (const auto& t : trace) ++count[t.sql.substr(0, 150)];
    std::vector<std::pair<int, std::string>> top;
    for (auto& [sql, c] : count) top.emplace_back(c, sql);
    std::sort(top.rbegin(), top.rend());
    for (std::size_t i = 0; i < top.size() && i < 25; ++i) std::printf("%8d  %s\n", top[i].first, top[i].second.c_str());
  }
  std::printf("| raw Connector/C, the same %zu statements | 1 | %lld | %.0f | %.2f | store time / raw time: **%.2f** | %s | %s |\n",
              trace.size(), static_cast<long long>(n), static_cast<double>(n) / floor, floor, one / floor,
              cpu_text(client).c_str(), cpu_text(server).c_str());
  std::printf("\n(%.1f statements per %s; SqliteStore / MariaDbStore time at 1 process: %.2f)\n",
              static_cast<double>(trace.size()) / static_cast<double>(n), w.unit.c_str(),
              sqlite_one / one);
  for (const auto& db : {tmpl, traced, raw}) drop_database(db);
}

}  // namespace

int main(int argc, char** argv) {
  g_dir = argc > 1 ? argv[1] : ".";
  const double scale = argc > 2 ? std::atof(argv[2]) : 1.0;
  const char* url = std::getenv("SWITCHBOARD_TEST_MARIADB_URL");
  if (!url || !*url) {
    std::printf("skipped: no MariaDB server (SWITCHBOARD_TEST_MARIADB_URL; `make bench` starts one)\n");
    return 0;
  }
  g_url = url;
  std::printf("MariaDB %s; SQLite %s; each figure is one run, all runs in this process tree.\n",
              mysql_get_server_info(admin().handle()), sqlite3_libversion());
  try {
    bench(route_workload(static_cast<int>(8000 * scale)));
    bench(ingest_workload(static_cast<int>(4000 * scale)));
    bench(merge_workload(static_cast<int>(20000 * scale)));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_mariadb: %s\n", e.what());
    return 1;
  }
  return 0;
}
