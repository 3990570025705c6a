// The durable job queue and the worker, on memory, SQLite and MariaDB stores: idempotent
// enqueue, one lease per job (also between connections to one SQLite file or one MariaDB
// database), expired leases returned, retries
// with backoff, giving up with the reason kept, deferrals that count no attempt, group pauses,
// periodic jobs, stats and purging.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "mariadb/mariadb_test_support.h"
#include "test_support.h"

using namespace switchboard;
using std::chrono::seconds;

namespace {

/// A store whose clock only moves when told to.
struct Timed {
  std::shared_ptr<Store> store;
  std::shared_ptr<std::atomic<std::int64_t>> t = std::make_shared<std::atomic<std::int64_t>>(1'700'000'000);
  explicit Timed(std::shared_ptr<Store> s) : store(std::move(s)) {
    auto clock = t;
    store->set_clock([clock] { return std::chrono::system_clock::time_point(seconds(clock->load())); });
  }
  void advance(std::int64_t s) { t->fetch_add(s); }
  std::int64_t now() const { return t->load(); }
};

JobSpec spec(std::string kind, std::string key = "", std::int64_t run_after = 0, int max_attempts = 0) {
  JobSpec s;
  s.kind = std::move(kind);
  s.key = std::move(key);
  s.run_after = run_after;
  s.max_attempts = max_attempts;
  s.payload = "{}";
  return s;
}

auto far_future() { return std::chrono::steady_clock::now() + std::chrono::hours(1); }

}  // namespace

TEST_CASE_TEMPLATE("jobs: enqueue is idempotent by key and leasing counts attempts", F, test_support::MemoryFactory,
                   test_support::SqliteFactory, mariadb_test::MariaDbFactory) {
  Timed s(F::make());
  JobQueue q(s.store);
  std::string a = q.enqueue(spec("k", "one"));
  CHECK(q.enqueue(spec("k", "one")) == a);  // same key: same job, nothing added
  q.enqueue(spec("k"));                      // no key: always a new job
  q.enqueue(spec("k", "later", s.now() + 60));
  CHECK(s.store->count(kJobDoctype) == 3);

  auto first = q.lease("w1", 10);
  REQUIRE(first.size() == 2);  // the one due later is not leased
  for (const auto& j : first) {
    CHECK(j.state == "Running");
    CHECK(j.attempts == 1);
    CHECK(j.lease_owner == "w1");
  }
  CHECK(q.lease("w2", 10).empty());  // held by w1
  s.advance(61);
  auto later = q.lease("w2", 10);
  REQUIRE(later.size() == 1);
  CHECK(later[0].key == "later");
  CHECK(q.complete(later[0], "ok"));
  CHECK(q.get(later[0].name)->state == "Done");
  CHECK(q.get(later[0].name)->result == "ok");
  CHECK(q.enqueue(spec("k", "later")) == later[0].name);  // a done job still owns its key
}

TEST_CASE_TEMPLATE("jobs: an expired lease returns the job; the old owner can no longer touch it", F,
                   test_support::MemoryFactory, test_support::SqliteFactory, mariadb_test::MariaDbFactory) {
  Timed s(F::make());
  JobQueue q(s.store, JobQueueOptions{8, seconds(30)});
  q.enqueue(spec("k", "x"));
  auto held = q.lease("dead-worker", 1);
  REQUIRE(held.size() == 1);
  s.advance(29);
  CHECK(q.lease("w2", 1).empty());
  s.advance(2);  // the dead worker's lease ran out
  auto taken = q.lease("w2", 1);
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].attempts == 2);
  CHECK_FALSE(q.complete(held[0]));  // lost: w2 owns it now
  CHECK_FALSE(q.retry(held[0], s.now(), "late"));
  CHECK(q.extend(taken[0], seconds(100)));
  CHECK(q.complete(taken[0]));
}

TEST_CASE_TEMPLATE("jobs: a backlog of queued jobs never starves a job whose worker died", F,
                   test_support::MemoryFactory, test_support::SqliteFactory, mariadb_test::MariaDbFactory) {
  // A killed worker left the periodic sync Running; meanwhile lookups pile up, each deferred
  // again and again. The sync's lease ran out long ago, so it is due before any of them.
  Timed s(F::make());
  JobQueue q(s.store, JobQueueOptions{8, seconds(60)});
  std::string sync = q.enqueue(spec("sync", "sync"));
  REQUIRE(q.lease("killed-worker", 1).size() == 1);
  s.advance(3600);
  for (int i = 0; i < 6; ++i) q.enqueue(spec("lookup", "l" + std::to_string(i), s.now() - 10));
  auto first = q.lease("w2", 2);
  REQUIRE(first.size() == 2);
  CHECK(first[0].name == sync);  // due since its lease ran out, 3540 s ago
  CHECK(first[0].attempts == 2);
  CHECK(first[1].kind == "lookup");
  // and the other way round: a lookup queued before the lease ran out goes first
  Timed t(F::make());
  JobQueue r(t.store, JobQueueOptions{8, seconds(60)});
  r.enqueue(spec("lookup", "early", t.now()));
  std::string held = r.enqueue(spec("sync", "sync"));
  t.advance(1);
  auto leased = r.lease("killed-worker", 2, {"sync"});
  REQUIRE(leased.size() == 1);
  t.advance(120);
  auto order = r.lease("w2", 2);
  REQUIRE(order.size() == 2);
  CHECK(order[0].key == "early");
  CHECK(order[1].name == held);
}

TEST_CASE_TEMPLATE("jobs: the worker retries with backoff and gives up after the limit, keeping the reason", F,
                   test_support::MemoryFactory, test_support::SqliteFactory, mariadb_test::MariaDbFactory) {
  Timed s(F::make());
  auto q = std::make_shared<JobQueue>(s.store);
  Worker w(q, WorkerOptions{"w"});
  int calls = 0;
  w.add({"flaky", [&](const Job&, JobContext&) -> JobOutcome {
           ++calls;
           throw HttpError("RingCentral answered 500", 500);
         },
         "", seconds(0), seconds(10), seconds(25)});
  std::string name = q->enqueue(spec("flaky", "f", 0, 4));
  std::vector<std::int64_t> waits;
  for (int round = 0; round < 10; ++round) {
    std::int64_t before = s.now();
    if (w.run_due(far_future()) == 0) break;
    auto j = q->get(name);
    if (j->state != "Queued") break;
    waits.push_back(j->run_after - before);
    s.advance(j->run_after - s.now());
  }
  CHECK(calls == 4);
  CHECK(waits == std::vector<std::int64_t>{10, 20, 25});  // doubling, capped
  auto j = q->get(name);
  CHECK(j->state == "Failed");
  CHECK(j->last_error.find("gave up after 4 attempts") != std::string::npos);
  CHECK(j->last_error.find("RingCentral answered 500") != std::string::npos);
  CHECK(w.totals().failed == 1);
  CHECK(w.run_due(far_future()) == 0);  // failed jobs stay failed
}

TEST_CASE("jobs: bad input gives up at once; deferrals count no attempt and pause the group") {
  Timed s(make_memory_store());
  auto q = std::make_shared<JobQueue>(s.store);
  Worker w(q, WorkerOptions{"w"});
  w.add({"parse", [](const Job&, JobContext&) -> JobOutcome { throw ParseError("bad payload"); }});
  int heavy_runs = 0;
  w.add({"heavy.a", [&](const Job&, JobContext&) {
           ++heavy_runs;
           return JobOutcome::defer(unix_seconds(*s.store) + 60, "throttled", true);
         },
         "Heavy"});
  w.add({"heavy.b", [&](const Job&, JobContext&) {
           ++heavy_runs;
           return JobOutcome::done();
         },
         "Heavy"});
  std::string bad = q->enqueue(spec("parse"));
  std::string a = q->enqueue(spec("heavy.a", "", s.now() - 10));
  std::string b = q->enqueue(spec("heavy.b"));
  w.run_due(far_future());
  CHECK(q->get(bad)->state == "Failed");
  CHECK(q->get(bad)->attempts == 1);
  CHECK(q->get(a)->attempts == 0);  // deferred: not an attempt
  CHECK(q->get(a)->run_after == s.now() + 60);
  CHECK(heavy_runs == 1);  // b was not leased while the Heavy group is paused
  CHECK(q->get(b)->state == "Queued");
  s.advance(61);
  w.run_due(far_future(), {"heavy.b"});
  CHECK(q->get(b)->state == "Done");
}

TEST_CASE("jobs: periodic jobs reschedule themselves; stop requests release unstarted jobs") {
  Timed s(make_memory_store());
  auto q = std::make_shared<JobQueue>(s.store);
  Worker w(q, WorkerOptions{"w", 3});
  int ticks = 0;
  w.add({"tick", [&](const Job& job, JobContext&) {
           ++ticks;
           CHECK(job.attempts == 1);  // reset by every reschedule
           return JobOutcome::reschedule(unix_seconds(*s.store) + 300, "tick " + std::to_string(ticks));
         }});
  std::string name = q->enqueue(spec("tick", "tick"));
  for (int i = 0; i < 3; ++i) {
    CHECK(w.run_due(far_future()) == 1);
    CHECK(w.run_due(far_future()) == 0);  // not due again before 300 s
    s.advance(300);
  }
  CHECK(ticks == 3);
  CHECK(q->get(name)->result == "tick 3");

  int started = 0;
  Worker stopper(q, WorkerOptions{"s", 3});
  stopper.add({"stop", [&](const Job&, JobContext& ctx) {
                 ++started;
                 stopper.request_stop();
                 CHECK(ctx.stopping());
                 return JobOutcome::done();
               }});
  for (int i = 0; i < 3; ++i) q->enqueue(spec("stop"));
  stopper.run_due(far_future());
  CHECK(started == 1);
  CHECK(s.store->count(kJobDoctype, {Filter("kind", "stop"), Filter("state", "Queued")}) == 2);
  CHECK(s.store->count(kJobDoctype, {Filter("kind", "stop"), Filter("attempts", 0)}) == 2);
}

TEST_CASE("jobs: run_due stops at its deadline and leases only the kinds asked for") {
  Timed s(make_memory_store());
  auto q = std::make_shared<JobQueue>(s.store);
  Worker w(q, WorkerOptions{"w"});
  int a = 0, b = 0;
  w.add({"a", [&](const Job&, JobContext&) {
           ++a;
           return JobOutcome::done();
         }});
  w.add({"b", [&](const Job&, JobContext&) {
           ++b;
           return JobOutcome::done();
         }});
  for (int i = 0; i < 5; ++i) {
    q->enqueue(spec("a"));
    q->enqueue(spec("b"));
  }
  q->enqueue(spec("unknown"));  // no handler here: never leased
  CHECK(w.run_due(std::chrono::steady_clock::now()) == 0);  // the deadline has passed
  CHECK(w.run_due(far_future(), {"a"}) == 5);
  CHECK(a == 5);
  CHECK(b == 0);
  CHECK(w.run_due(far_future()) == 5);
  CHECK(q->get(q->lease("other", 1, {"unknown"}).at(0).name)->state == "Running");
}

TEST_CASE("jobs: stats show depth by kind and state, the oldest due job and errors; purge removes old done jobs") {
  Timed s(make_memory_store());
  auto q = std::make_shared<JobQueue>(s.store);
  Worker w(q, WorkerOptions{"w"});
  w.add({"ok", [](const Job&, JobContext&) { return JobOutcome::done(); }});
  w.add({"bad", [](const Job&, JobContext&) { return JobOutcome::retry("no record yet"); }});
  q->enqueue(spec("ok"));
  q->enqueue(spec("bad"));
  q->enqueue(spec("ok", "", s.now() + 3600));
  s.advance(5);
  {
    // With no WorkerOptions::log, each job's line goes to the diagnostics log.
    test_support::LogCapture capture("jobs");
    w.run_due(far_future());
    std::vector<std::string> lines = capture.lines();
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].rfind("debug ", 0) == 0);  // done
    CHECK(lines[1].rfind("warning ", 0) == 0);  // failed, to be retried
    CHECK(lines[1].find("no record yet") != std::string::npos);
  }
  JobStats st = q->stats();
  CHECK(st.depth["ok"]["Done"] == 1);
  CHECK(st.depth["ok"]["Queued"] == 1);
  CHECK(st.depth["bad"]["Queued"] == 1);
  REQUIRE(st.recent_errors.size() == 1);
  CHECK(st.recent_errors[0].last_error == "no record yet");
  CHECK_FALSE(st.oldest_due);  // the retry waits for its backoff
  s.advance(3600);
  st = q->stats();
  REQUIRE(st.oldest_due);
  CHECK(st.oldest_due->kind == "bad");
  CHECK(q->purge(seconds(7200)) == 0);
  s.advance(7200);
  CHECK(q->purge(seconds(7200)) == 1);
}

TEST_CASE("jobs: four workers on one SQLite file run each of 400 jobs exactly once") {
  test_support::TempDir dir;
  const std::string path = dir.file("jobs.sqlite");
  {
    std::shared_ptr<Store> store = make_sqlite_store(path);
    JobQueue q(store);
    for (int i = 0; i < 400; ++i) q.enqueue(spec("count", "job-" + std::to_string(i)));
  }
  std::mutex m;
  std::map<std::string, int> runs;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      std::shared_ptr<Store> store = make_sqlite_store(path);  // its own connection, as another process would have
      Worker w(std::make_shared<JobQueue>(store), WorkerOptions{"w" + std::to_string(t), 3});
      w.add({"count", [&](const Job& job, JobContext&) {
               std::lock_guard<std::mutex> g(m);
               ++runs[job.key];
               return JobOutcome::done();
             }});
      w.run_due(far_future());
    });
  for (auto& th : threads) th.join();
  CHECK(runs.size() == 400);
  int twice = 0;
  for (const auto& [key, n] : runs) twice += n != 1;
  CHECK(twice == 0);
  auto store = make_sqlite_store(path);
  CHECK(store->count(kJobDoctype, {Filter("state", "Done")}) == 400);
}

TEST_CASE("jobs: four workers on one MariaDB database run each of 200 jobs exactly once") {
  if (!mariadb_test::server_url()) return mariadb_test::skip();
  mariadb_test::Database db;
  {
    std::shared_ptr<Store> store = make_mariadb_store(db.url());
    JobQueue q(store);
    for (int i = 0; i < 200; ++i) q.enqueue(spec("count", "job-" + std::to_string(i)));
  }
  std::mutex m;
  std::map<std::string, int> runs;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      std::shared_ptr<Store> store = make_mariadb_store(db.url());  // its own connection
      Worker w(std::make_shared<JobQueue>(store), WorkerOptions{"w" + std::to_string(t), 3});
      w.add({"count", [&](const Job& job, JobContext&) {
               std::lock_guard<std::mutex> g(m);
               ++runs[job.key];
               return JobOutcome::done();
             }});
      w.run_due(far_future());
    });
  for (auto& th : threads) th.join();
  CHECK(runs.size() == 200);
  int twice = 0;
  for (const auto& [key, n] : runs) twice += n != 1;
  CHECK(twice == 0);
  CHECK(make_mariadb_store(db.url())->count(kJobDoctype, {Filter("state", "Done")}) == 200);
}
