// Worker: leases due jobs of the kinds it knows, runs their handlers and records the outcome;
// retries with exponential backoff, gives up after the job's attempt limit, pauses a group of
// kinds when a handler says its service is throttling.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>
#include <thread>

#include "switchboard/jobs.h"
#include "switchboard/log.h"

namespace switchboard {
namespace {

std::string default_owner() {
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "host");
  std::random_device rd;
  char buf[320];
  std::snprintf(buf, sizeof buf, "%s:%ld:%08x", host, static_cast<long>(getpid()), rd());
  return buf;
}

}  // namespace

// ---- outcomes -------------------------------------------------------------------------------

JobOutcome JobOutcome::done(std::string result) {
  JobOutcome o;
  o.type = Type::kDone;
  o.message = std::move(result);
  return o;
}

JobOutcome JobOutcome::retry(std::string reason, std::int64_t at) {
  JobOutcome o;
  o.type = Type::kRetry;
  o.message = std::move(reason);
  o.at = at;
  return o;
}

JobOutcome JobOutcome::reschedule(std::int64_t at, std::string result) {
  JobOutcome o;
  o.type = Type::kReschedule;
  o.message = std::move(result);
  o.at = at;
  return o;
}

JobOutcome JobOutcome::defer(std::int64_t at, std::string reason, bool pause_group) {
  JobOutcome o;
  o.type = Type::kDefer;
  o.message = std::move(reason);
  o.at = at;
  o.pause_group = pause_group;
  return o;
}

JobOutcome JobOutcome::give_up(std::string reason) {
  JobOutcome o;
  o.type = Type::kGiveUp;
  o.message = std::move(reason);
  return o;
}

// ---- context --------------------------------------------------------------------------------

bool JobContext::stopping() const {
  return worker_.stop_requested() || std::chrono::steady_clock::now() >= deadline_;
}

bool JobContext::keep_alive() {
  auto it = worker_.kinds_.find(job_.kind);
  std::chrono::seconds lease = it != worker_.kinds_.end() ? it->second.lease : std::chrono::seconds(0);
  bool held = worker_.queue_->extend(job_, lease);
  worker_.checkpoint();
  return held;
}

// ---- the worker -----------------------------------------------------------------------------

Worker::Worker(std::shared_ptr<JobQueue> queue, WorkerOptions options)
    : queue_(std::move(queue)), options_(std::move(options)) {
  if (!queue_) throw ValidationError("Worker needs a JobQueue", ErrorCode::kInvalidArgument);
  if (options_.owner.empty()) options_.owner = default_owner();
  if (options_.batch < 1) options_.batch = 1;
}

void Worker::add(JobKind kind) {
  if (kind.kind.empty() || !kind.handler)
    throw ValidationError("a job kind needs a name and a handler", ErrorCode::kInvalidArgument);
  if (kind.group.empty()) kind.group = kind.kind;
  if (kind.backoff_base.count() < 1) kind.backoff_base = std::chrono::seconds(1);
  if (kind.backoff_cap < kind.backoff_base) kind.backoff_cap = kind.backoff_base;
  std::string name = kind.kind;
  kinds_[name] = std::move(kind);
}

void Worker::log(int level, const std::string& message) {
  if (!options_.log) {  // the process-wide diagnostics log
    switchboard::log(static_cast<LogLevel>(std::clamp(level, 0, 3)), "jobs", message);
    return;
  }
  try {
    options_.log(level, message);
  } catch (...) {  // a failing log line never stops the worker
  }
}

void Worker::checkpoint() {
  if (options_.checkpoint) options_.checkpoint();
}

int Worker::run_due(std::chrono::steady_clock::time_point deadline, const std::vector<std::string>& only) {
  int ran = 0;
  while (!stop_requested() && std::chrono::steady_clock::now() < deadline) {
    const std::int64_t now = queue_->now();
    std::vector<std::string> want;
    std::chrono::seconds lease{0};
    for (const auto& [name, kind] : kinds_) {
      if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) continue;
      auto paused = paused_until_.find(kind.group);
      if (paused != paused_until_.end() && paused->second > now) continue;
      want.push_back(name);
      lease = std::max(lease, kind.lease);
    }
    if (want.empty()) break;
    std::vector<Job> jobs = queue_->lease(options_.owner, options_.batch, want, lease);
    checkpoint();
    if (jobs.empty()) break;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      bool late = i > 0 && (stop_requested() || std::chrono::steady_clock::now() >= deadline);
      auto paused = paused_until_.find(kinds_.at(jobs[i].kind).group);
      if (late || (paused != paused_until_.end() && paused->second > queue_->now())) {
        queue_->release(jobs[i]);  // leased but not started: back to the queue untouched
        checkpoint();
        continue;
      }
      run_one(jobs[i], deadline);
      ++ran;
    }
  }
  return ran;
}

void Worker::run_one(Job& job, std::chrono::steady_clock::time_point deadline) {
  const JobKind& kind = kinds_.at(job.kind);
  JobContext context(*this, job, deadline);
  JobOutcome outcome;
  try {
    outcome = kind.handler(job, context);
  } catch (const ValidationError& e) {
    outcome = JobOutcome::give_up(e.what());
  } catch (const ParseError& e) {
    outcome = JobOutcome::give_up(e.what());
  } catch (const std::exception& e) {
    outcome = JobOutcome::retry(e.what());
  } catch (...) {
    outcome = JobOutcome::retry("unknown error");
  }
  apply(job, kind, outcome);
  checkpoint();
}

void Worker::apply(Job& job, const JobKind& kind, const JobOutcome& out) {
  const std::int64_t now = queue_->now();
  bool held = true;
  const std::string what = job.kind + " job " + job.name;
  switch (out.type) {
    case JobOutcome::Type::kDone:
      held = queue_->complete(job, out.message);
      if (held) ++totals_.done;
      log(0, what + " done" + (out.message.empty() ? "" : ": " + out.message));
      break;
    case JobOutcome::Type::kReschedule:
      held = queue_->reschedule(job, std::max(out.at, now), out.message);
      if (held) ++totals_.rescheduled;
      break;
    case JobOutcome::Type::kDefer:
      held = queue_->retry(job, std::max(out.at, now), out.message, /*counted=*/false);
      if (held) ++totals_.deferred;
      if (out.pause_group && out.at > now) paused_until_[kind.group] = out.at;
      log(1, what + " deferred: " + out.message);
      break;
    case JobOutcome::Type::kRetry: {
      int limit = job.max_attempts > 0 ? job.max_attempts : queue_->options().max_attempts;
      if (job.attempts >= limit) {
        held = queue_->fail(job, "gave up after " + std::to_string(job.attempts) + " attempts: " + out.message);
        if (held) ++totals_.failed;
        log(3, what + " gave up after " + std::to_string(job.attempts) + " attempts: " + out.message);
        break;
      }
      std::int64_t wait = kind.backoff_base.count();
      for (int i = 1; i < job.attempts && wait < kind.backoff_cap.count(); ++i) wait *= 2;
      wait = std::min<std::int64_t>(wait, kind.backoff_cap.count());
      held = queue_->retry(job, out.at > 0 ? std::max(out.at, now) : now + wait, out.message);
      if (held) ++totals_.retried;
      log(2, what + " failed (attempt " + std::to_string(job.attempts) + "): " + out.message);
      break;
    }
    case JobOutcome::Type::kGiveUp:
      held = queue_->fail(job, out.message);
      if (held) ++totals_.failed;
      log(3, what + " given up: " + out.message);
      break;
  }
  if (!held) {
    ++totals_.lost;
    log(2, what + ": the lease expired while it ran; another worker owns the job now");
  }
}

void Worker::run() {
  auto last_purge = std::chrono::steady_clock::now() - std::chrono::hours(2);
  while (!stop_requested()) {
    int ran = 0;
    try {
      ran = run_due(std::chrono::steady_clock::time_point::max());
      if (std::chrono::steady_clock::now() - last_purge > std::chrono::hours(1)) {
        last_purge = std::chrono::steady_clock::now();
        std::int64_t purged = queue_->purge(options_.purge_after);
        checkpoint();
        if (purged > 0) log(1, "purged " + std::to_string(purged) + " finished jobs");
      }
    } catch (const std::exception& e) {  // the store failed (busy, I/O): wait and go on
      log(3, std::string("worker: ") + e.what());
    }
    if (ran > 0) continue;
    auto until = std::chrono::steady_clock::now() + options_.poll;
    while (!stop_requested() && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(options_.poll, std::chrono::milliseconds(50)));
  }
}

}  // namespace switchboard
