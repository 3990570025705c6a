// switchboard: a durable job queue kept in the store (doctype "Switchboard Job") and the
// worker that runs it. Jobs survive restarts and crashes: a job is leased by one worker at a
// time, retried with backoff, given up after a limit with the reason kept, and a lease that
// expires (its worker died) returns the job to the queue.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/export.h"
#include "switchboard/store.h"

namespace switchboard {

/// The doctype holding the queue.
inline constexpr const char* kJobDoctype = "Switchboard Job";

/// The store's clock in Unix seconds: the queue's unit of time.
SWITCHBOARD_EXPORT std::int64_t unix_seconds(Store& store);

/// A job to add. Times are Unix seconds of the store's clock.
struct JobSpec {
  std::string kind;
  std::string payload;         ///< opaque to the queue (JSON by convention)
  std::string key;             ///< idempotency key: at most one job per key ("" = none)
  std::int64_t run_after = 0;  ///< not before this time (0 = now)
  int max_attempts = 0;        ///< 0 = the queue's default
};

/// One stored job. `state`: "Queued", "Running", "Done" or "Failed" (given up).
struct Job {
  std::string name, kind, payload, key, state;
  std::int64_t run_after = 0, lease_expires = 0, finished_at = 0;
  int attempts = 0, max_attempts = 0;  ///< attempts counts leases that were not deferred
  std::string lease_owner, last_error, result;
};

struct JobQueueOptions {
  int max_attempts = 8;             ///< default per job
  std::chrono::seconds lease{300};  ///< default lease; a worker extends it while it works
};

/// Jobs per (kind, state), the oldest due job and the newest errors, for status pages.
struct JobStats {
  std::int64_t now = 0;
  std::map<std::string, std::map<std::string, std::int64_t>> depth;  ///< kind -> state -> n
  std::optional<Job> oldest_due;   ///< the queued job that has waited longest past run_after
  std::vector<Job> recent_errors;  ///< jobs with last_error set, newest first
};

/// Thread-safe (every operation is a store transaction). The queue over a store. Leasing is
/// one short transaction that takes the store's lock where the backend has one (on SQLite
/// its write lock, atomic across processes) and changes state only when the row is still in
/// the state it was read in, so two workers never hold one job. Every later change of a
/// leased job is made only while the caller still holds its lease; they return false when
/// the lease was lost (it expired and another worker took the job).
class SWITCHBOARD_EXPORT JobQueue {
 public:
  explicit JobQueue(std::shared_ptr<Store> store, JobQueueOptions options = {});

  /// Adds a job and returns its name. With a key some job already has (in any state), that
  /// job's name is returned and nothing changes: enqueueing is idempotent. Joins the caller's
  /// transaction when one is open.
  std::string enqueue(const JobSpec& spec);
  /// enqueue() on any store (for hooks that run inside another service's transaction).
  static std::string enqueue(Store& store, const JobSpec& spec, int default_max_attempts = 8);

  /// Leases up to `max` due jobs for `owner`, the longest due first: queued jobs whose
  /// run_after has come, and running jobs whose lease expired (due since the lease ran out).
  /// Each lease counts an attempt.
  /// `kinds` limits the kinds (empty = any).
  std::vector<Job> lease(const std::string& owner, int max, const std::vector<std::string>& kinds = {},
                         std::chrono::seconds lease_for = std::chrono::seconds(0));
  /// Extends a held lease by `lease_for` from now.
  bool extend(const Job& job, std::chrono::seconds lease_for = std::chrono::seconds(0));
  /// Marks a leased job done with a short result text.
  bool complete(const Job& job, const std::string& result = "");
  /// Returns a leased job to the queue for `run_after`, keeping `error` as last_error.
  /// `counted` = false takes back the attempt its lease counted (a deferral, not a failure).
  bool retry(const Job& job, std::int64_t run_after, const std::string& error, bool counted = true);
  /// A periodic job: queued again for `run_after` with its attempts reset and no error.
  bool reschedule(const Job& job, std::int64_t run_after, const std::string& result = "");
  /// Gives a leased job up: state Failed, `error` kept as last_error.
  bool fail(const Job& job, const std::string& error);
  /// Returns a leased job unstarted (attempt not counted, due at once).
  bool release(const Job& job);
  /// Makes the queued job with `key` due now; false when there is none.
  bool make_due(const std::string& key);

  std::optional<Job> get(const std::string& name);
  std::optional<Job> find(const std::string& key);
  JobStats stats(int errors = 10);
  /// Deletes Done jobs finished more than `older_than` ago; returns how many.
  std::int64_t purge(std::chrono::seconds older_than);
  /// The store's time in Unix seconds.
  std::int64_t now();

  Store& store() noexcept { return *store_; }
  std::shared_ptr<Store> store_ptr() const noexcept { return store_; }
  const JobQueueOptions& options() const noexcept { return options_; }

 private:
  bool transition(const Job& job, const Document& changes);
  std::shared_ptr<Store> store_;
  JobQueueOptions options_;
};

/// What a handler did with its job.
struct SWITCHBOARD_EXPORT JobOutcome {
  enum class Type { kDone, kRetry, kReschedule, kDefer, kGiveUp };
  Type type = Type::kDone;
  std::string message;    ///< result (done, reschedule) or reason (retry, defer, give up)
  std::int64_t at = 0;    ///< when to run again (Unix seconds; 0 with kRetry = backoff)
  bool pause_group = false;

  /// Finished (`result` is kept on the job).
  static JobOutcome done(std::string result = {});
  /// Failed this time: again at `at` (0 = the kind's backoff); after max_attempts, given up.
  static JobOutcome retry(std::string reason, std::int64_t at = 0);
  /// A periodic job: run again at `at`, attempts reset.
  static JobOutcome reschedule(std::int64_t at, std::string result = {});
  /// Not now (throttled, not signed in): again at `at`, no attempt counted. With
  /// `pause_group` the worker leases no job of the kind's group before then.
  static JobOutcome defer(std::int64_t at, std::string reason, bool pause_group = false);
  /// Pointless to try again: state Failed with `reason`.
  static JobOutcome give_up(std::string reason);
};

class Worker;

/// One thread at a time. What a handler gets besides its job.
class SWITCHBOARD_EXPORT JobContext {
 public:
  JobContext(Worker& worker, Job& job, std::chrono::steady_clock::time_point deadline)
      : worker_(worker), job_(job), deadline_(deadline) {}
  /// True once a stop was requested or the run's deadline passed: long jobs return soon
  /// (e.g. JobOutcome::defer(now) to continue later).
  bool stopping() const;
  /// Extends the job's lease (long jobs call it between steps). False when it was lost.
  bool keep_alive();
  std::chrono::steady_clock::time_point deadline() const noexcept { return deadline_; }

 private:
  Worker& worker_;
  Job& job_;
  std::chrono::steady_clock::time_point deadline_;
};

/// Runs one job. Throwing counts as JobOutcome::retry with the message, except
/// ValidationError and ParseError, which give the job up at once.
using JobHandler = std::function<JobOutcome(const Job& job, JobContext& context)>;

struct JobKind {
  std::string kind;
  JobHandler handler;
  std::string group;  ///< jobs that pause together (a throttling group); "" = the kind
  std::chrono::seconds lease{0};  ///< 0 = the queue's default
  std::chrono::seconds backoff_base{30}, backoff_cap{3600};  ///< retry n waits base*2^(n-1)
};

struct WorkerOptions {
  std::string owner;  ///< lease owner; "" = "<host>:<pid>:<random>"
  int batch = 1;      ///< jobs leased per transaction
  std::chrono::milliseconds poll{1000};  ///< run(): wait between checks when nothing is due
  std::chrono::seconds purge_after{7 * 86400};  ///< run(): Done jobs older than this go
  /// Called after every store transaction the worker commits (a Frappe worker commits the
  /// request transaction here, so leases and results are durable at once).
  std::function<void()> checkpoint;
  /// Log lines: level 0 debug .. 3 error. Empty = the diagnostics log (log.h, category "jobs").
  std::function<void(int level, const std::string& message)> log;
};

/// Counts of what a worker did.
struct WorkerTotals {
  std::int64_t done = 0, retried = 0, rescheduled = 0, deferred = 0, failed = 0, lost = 0;
};

/// One thread at a time, except request_stop(), which is async-signal-safe. Runs the jobs of
/// the kinds added to it; jobs of other kinds are never leased.
class SWITCHBOARD_EXPORT Worker {
 public:
  explicit Worker(std::shared_ptr<JobQueue> queue, WorkerOptions options = {});
  /// Registers a kind (replacing one of the same name).
  void add(JobKind kind);
  /// Runs due jobs (of `kinds`, else of every registered kind) until none is due, the
  /// deadline passes or a stop is requested; a job that started is finished (or its handler
  /// returns early when asked to stop). Returns how many jobs ran.
  int run_due(std::chrono::steady_clock::time_point deadline, const std::vector<std::string>& kinds = {});
  /// run_due in a loop until request_stop(), waiting `poll` when idle; purges old Done jobs
  /// hourly.
  void run();
  void request_stop() noexcept { stop_.store(true); }
  bool stop_requested() const noexcept { return stop_.load(); }
  const std::string& owner() const noexcept { return options_.owner; }
  const WorkerTotals& totals() const noexcept { return totals_; }
  JobQueue& queue() noexcept { return *queue_; }
  std::shared_ptr<JobQueue> queue_ptr() const noexcept { return queue_; }

 private:
  friend class JobContext;
  void run_one(Job& job, std::chrono::steady_clock::time_point deadline);
  void apply(Job& job, const JobKind& kind, const JobOutcome& outcome);
  void checkpoint();
  void log(int level, const std::string& message);
  std::shared_ptr<JobQueue> queue_;
  WorkerOptions options_;
  std::map<std::string, JobKind> kinds_;
  std::map<std::string, std::int64_t> paused_until_;  // group -> Unix seconds
  std::atomic<bool> stop_{false};
  WorkerTotals totals_;
};

}  // namespace switchboard
