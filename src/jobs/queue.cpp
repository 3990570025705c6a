// JobQueue: jobs as rows of "Switchboard Job". Every state change is one update_where whose
// filters repeat what the caller last saw (a compare-and-set), so a lease taken by another
// worker is never overwritten; leasing itself runs under the store's lock where there is one.
#include <algorithm>

#include "core/text.h"
#include "switchboard/jobs.h"

namespace switchboard {
namespace {

constexpr const char* kQueued = "Queued";
constexpr const char* kRunning = "Running";
constexpr const char* kDone = "Done";
constexpr const char* kFailed = "Failed";
constexpr const char* kLockKey = "switchboard.jobs";
constexpr std::size_t kMaxErrorChars = 1000;

// Errors and results are kept short (and never cut inside a UTF-8 character).
std::string clip(const std::string& message) { return text::truncate_chars(message, kMaxErrorChars); }

Job to_job(const Document& d) {
  Job j;
  j.name = d.text("name");
  j.kind = d.text("kind");
  j.payload = d.text("payload");
  j.key = d.text("job_key");
  j.state = d.text("state");
  j.run_after = d.integer("run_after");
  j.lease_expires = d.integer("lease_expires");
  j.finished_at = d.integer("finished_at");
  j.attempts = static_cast<int>(d.integer("attempts"));
  j.max_attempts = static_cast<int>(d.integer("max_attempts"));
  j.lease_owner = d.text("lease_owner");
  j.last_error = d.text("last_error");
  j.result = d.text("result");
  return j;
}

Value text_or_null(const std::string& s) { return s.empty() ? Value() : Value(s); }

}  // namespace

std::int64_t unix_seconds(Store& store) {
  return std::chrono::duration_cast<std::chrono::seconds>(store.now_time_point().time_since_epoch()).count();
}

JobQueue::JobQueue(std::shared_ptr<Store> store, JobQueueOptions options)
    : store_(std::move(store)), options_(std::move(options)) {
  if (!store_) throw ValidationError("JobQueue needs a store", ErrorCode::kInvalidArgument);
  if (options_.max_attempts < 1) options_.max_attempts = 1;
  if (options_.lease.count() < 1) options_.lease = std::chrono::seconds(1);
}

std::int64_t JobQueue::now() { return unix_seconds(*store_); }

std::string JobQueue::enqueue(const JobSpec& spec) { return enqueue(*store_, spec, options_.max_attempts); }

std::string JobQueue::enqueue(Store& store, const JobSpec& spec, int default_max_attempts) {
  if (spec.kind.empty()) throw ValidationError("a job needs a kind", ErrorCode::kInvalidArgument);
  auto existing = [&]() -> std::optional<std::string> {
    if (spec.key.empty()) return std::nullopt;
    auto d = store.find_one(kJobDoctype, Query{Filter("job_key", Value(spec.key))}.select({"name"}));
    if (!d) return std::nullopt;
    return d->text("name");
  };
  // Rerun whole when the store reports a deadlock or a serialization failure (MariaDB under
  // concurrent workers); inside a caller's transaction the caller's outermost level reruns.
  return in_retrying_transaction(store, [&]() -> std::string {
    if (auto name = existing()) return *name;
    Document d{{"kind", Value(spec.kind)},
               {"payload", text_or_null(spec.payload)},
               {"state", Value(kQueued)},
               {"run_after", Value(spec.run_after > 0 ? spec.run_after : unix_seconds(store))},
               {"attempts", Value(0)},
               {"max_attempts", Value(spec.max_attempts > 0 ? spec.max_attempts : std::max(1, default_max_attempts))}};
    if (!spec.key.empty()) d.set("job_key", Value(spec.key));
    std::string name;
    try {
      Transaction insert(store);  // a savepoint: a lost race leaves the caller's work intact
      name = store.insert(kJobDoctype, d);
      insert.commit();
    } catch (const StoreError& e) {
      if (e.code() != ErrorCode::kDuplicate) throw;
      auto other = existing();  // another writer added the key between our read and insert
      if (!other) throw;
      name = *other;
    }
    return name;
  });
}

std::vector<Job> JobQueue::lease(const std::string& owner, int max, const std::vector<std::string>& kinds,
                                 std::chrono::seconds lease_for) {
  if (owner.empty()) throw ValidationError("a lease needs an owner", ErrorCode::kInvalidArgument);
  std::vector<Job> out;
  if (max < 1) return out;
  if (lease_for.count() <= 0) lease_for = options_.lease;
  Store& s = *store_;
  return in_retrying_transaction(s, [&] {
    out.clear();
    if (s.capabilities() & Capability::kLock) s.lock(kLockKey);
    const std::int64_t t = now();
    Filters kind_filter;
    if (!kinds.empty()) kind_filter.push_back(Filter("kind", Op::kIn, std::vector<Value>(kinds.begin(), kinds.end())));
    auto candidates = [&](Filters f, const char* order, std::int64_t n) {
      f.insert(f.end(), kind_filter.begin(), kind_filter.end());
      Query q(std::move(f));
      return s.find(kJobDoctype, q.order(order).take(n));
    };
    // Queued jobs are due at run_after; jobs whose worker died are due when their lease ran
    // out. Both lists merge by that time, so a backlog of queued jobs never starves a job a
    // killed worker left Running (such as the periodic sync that would clear the backlog).
    std::vector<Document> found = candidates({Filter("state", Value(kQueued)), Filter("run_after", Op::kLe, Value(t))},
                                             "run_after asc", max);
    auto expired = candidates({Filter("state", Value(kRunning)), Filter("lease_expires", Op::kLt, Value(t))},
                              "lease_expires asc", max);
    auto due = [](const Document& d) {
      return d.text("state") == kRunning ? d.integer("lease_expires") : d.integer("run_after");
    };
    found.insert(found.end(), std::make_move_iterator(expired.begin()), std::make_move_iterator(expired.end()));
    std::stable_sort(found.begin(), found.end(), [&](const Document& a, const Document& b) { return due(a) < due(b); });
    if (static_cast<int>(found.size()) > max) found.resize(static_cast<std::size_t>(max));
    for (const Document& d : found) {
      Job j = to_job(d);
      Filters cas{Filter("name", Value(j.name)), Filter("state", Value(j.state)),
                  Filter("attempts", Value(j.attempts)), Filter("lease_owner", d.get("lease_owner")),
                  Filter("lease_expires", d.get("lease_expires"))};
      j.state = kRunning;
      j.lease_owner = owner;
      j.lease_expires = t + lease_for.count();
      j.attempts += 1;
      if (s.update_where(kJobDoctype, cas,
                         Document{{"state", Value(kRunning)},
                                  {"lease_owner", Value(owner)},
                                  {"lease_expires", Value(j.lease_expires)},
                                  {"attempts", Value(j.attempts)}}) == 1)
        out.push_back(std::move(j));
    }
    return out;
  });
}

bool JobQueue::transition(const Job& job, const Document& changes) {
  Filters held{Filter("name", Value(job.name)), Filter("state", Value(kRunning)),
               Filter("lease_owner", Value(job.lease_owner))};
  return in_retrying_transaction(*store_, [&] { return store_->update_where(kJobDoctype, held, changes) == 1; });
}

bool JobQueue::extend(const Job& job, std::chrono::seconds lease_for) {
  if (lease_for.count() <= 0) lease_for = options_.lease;
  return transition(job, Document{{"lease_expires", Value(now() + lease_for.count())}});
}

bool JobQueue::complete(const Job& job, const std::string& result) {
  return transition(job, Document{{"state", Value(kDone)},
                                  {"lease_owner", Value()},
                                  {"lease_expires", Value()},
                                  {"last_error", Value()},
                                  {"result", text_or_null(clip(result))},
                                  {"finished_at", Value(now())}});
}

bool JobQueue::retry(const Job& job, std::int64_t run_after, const std::string& error, bool counted) {
  return transition(job, Document{{"state", Value(kQueued)},
                                  {"lease_owner", Value()},
                                  {"lease_expires", Value()},
                                  {"run_after", Value(run_after)},
                                  {"last_error", text_or_null(clip(error))},
                                  {"attempts", Value(counted ? job.attempts : std::max(0, job.attempts - 1))}});
}

bool JobQueue::reschedule(const Job& job, std::int64_t run_after, const std::string& result) {
  return transition(job, Document{{"state", Value(kQueued)},
                                  {"lease_owner", Value()},
                                  {"lease_expires", Value()},
                                  {"run_after", Value(run_after)},
                                  {"last_error", Value()},
                                  {"attempts", Value(0)},
                                  {"result", text_or_null(clip(result))},
                                  {"finished_at", Value(now())}});
}

bool JobQueue::fail(const Job& job, const std::string& error) {
  return transition(job, Document{{"state", Value(kFailed)},
                                  {"lease_owner", Value()},
                                  {"lease_expires", Value()},
                                  {"last_error", text_or_null(clip(error))},
                                  {"finished_at", Value(now())}});
}

bool JobQueue::release(const Job& job) {
  return transition(job, Document{{"state", Value(kQueued)},
                                  {"lease_owner", Value()},
                                  {"lease_expires", Value()},
                                  {"attempts", Value(std::max(0, job.attempts - 1))}});
}

bool JobQueue::make_due(const std::string& key) {
  if (key.empty()) return false;
  return store_->update_where(kJobDoctype, {Filter("job_key", Value(key)), Filter("state", Value(kQueued))},
                              Document{{"run_after", Value(now())}}) > 0;
}

std::optional<Job> JobQueue::get(const std::string& name) {
  auto d = store_->get(kJobDoctype, name);
  if (!d) return std::nullopt;
  return to_job(*d);
}

std::optional<Job> JobQueue::find(const std::string& key) {
  if (key.empty()) return std::nullopt;
  auto d = store_->find_one(kJobDoctype, Query{Filter("job_key", Value(key))});
  if (!d) return std::nullopt;
  return to_job(*d);
}

JobStats JobQueue::stats(int errors) {
  Store& s = *store_;
  JobStats st;
  st.now = now();
  // The kinds present, one indexed probe each (the store has no DISTINCT), then a count per
  // (kind, state).
  std::vector<std::string> kinds;
  for (std::string after;;) {
    Query q;
    if (!kinds.empty()) q.where(Filter("kind", Op::kGt, Value(after)));
    auto d = s.find_one(kJobDoctype, q.select({"kind"}).order("kind asc"));
    if (!d || kinds.size() >= 1000) break;
    after = d->text("kind");
    kinds.push_back(after);
  }
  for (const auto& kind : kinds)
    for (const char* state : {kQueued, kRunning, kDone, kFailed}) {
      std::int64_t n = s.count(kJobDoctype, {Filter("kind", Value(kind)), Filter("state", Value(state))});
      if (n > 0) st.depth[kind][state] = n;
    }
  if (auto d = s.find_one(kJobDoctype, Query{Filter("state", Value(kQueued)), Filter("run_after", Op::kLe, Value(st.now))}
                                           .order("run_after asc")))
    st.oldest_due = to_job(*d);
  if (errors > 0)
    for (const auto& d : s.find(kJobDoctype, Query{Filter("state", Op::kIn, std::vector<Value>{kQueued, kFailed}),
                                                   Filter("last_error", Op::kIsSet, Value())}
                                                 .order("modified desc")
                                                 .take(errors)))
      st.recent_errors.push_back(to_job(d));
  return st;
}

std::int64_t JobQueue::purge(std::chrono::seconds older_than) {
  return store_->remove_where(kJobDoctype, {Filter("state", Value(kDone)),
                                            Filter("finished_at", Op::kLt, Value(now() - older_than.count()))});
}

}  // namespace switchboard
