// Python bindings for the durable job queue: sb.JobQueue, sb.Job, sb.JobOutcome, sb.Worker
// (handlers may be Python callables). Every call that reaches the store releases the GIL;
// Python callbacks (handlers, checkpoint, log) retake it.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "errors.h"
#include "switchboard/jobs.h"

namespace py = pybind11;
using release_gil = py::call_guard<py::gil_scoped_release>;

namespace switchboard::python {
namespace {

/// A Python callable kept by C++; released with the GIL held, wherever the last copy dies.
struct PyCallable {
  py::object fn;
  explicit PyCallable(py::object f) : fn(std::move(f)) {}
  ~PyCallable() {
    py::gil_scoped_acquire gil;
    fn = py::object();
  }
};

py::dict job_dict(const Job& j) {
  py::dict d;
  d["name"] = j.name;
  d["kind"] = j.kind;
  d["payload"] = j.payload;
  d["key"] = j.key;
  d["state"] = j.state;
  d["run_after"] = j.run_after;
  d["lease_expires"] = j.lease_expires;
  d["finished_at"] = j.finished_at;
  d["attempts"] = j.attempts;
  d["max_attempts"] = j.max_attempts;
  d["lease_owner"] = j.lease_owner;
  d["last_error"] = j.last_error;
  d["result"] = j.result;
  return d;
}

py::object maybe_job(const std::optional<Job>& j) { return j ? py::cast(*j) : py::object(py::none()); }

py::dict stats_dict(const JobStats& st) {
  py::dict d;
  d["now"] = st.now;
  py::dict depth;
  for (const auto& [kind, states] : st.depth) {
    py::dict per;
    for (const auto& [state, n] : states) per[py::str(state)] = n;
    depth[py::str(kind)] = per;
  }
  d["depth"] = depth;
  d["oldest_due"] = st.oldest_due ? py::object(job_dict(*st.oldest_due)) : py::object(py::none());
  py::list errors;
  for (const auto& j : st.recent_errors) errors.append(job_dict(j));
  d["recent_errors"] = errors;
  return d;
}

std::chrono::seconds secs(double s) { return std::chrono::seconds(static_cast<std::int64_t>(s)); }

}  // namespace

void init_jobs(py::module_& m) {
  m.attr("JOB_DOCTYPE") = kJobDoctype;
  m.def("unix_seconds", &unix_seconds, py::arg("store").none(false), release_gil(),
        "The store's clock in Unix seconds (the queue's unit of time).");

  py::class_<Job>(m, "Job", "One stored job (see JobQueue).")
      .def_readonly("name", &Job::name)
      .def_readonly("kind", &Job::kind)
      .def_readonly("payload", &Job::payload)
      .def_readonly("key", &Job::key)
      .def_readonly("state", &Job::state)
      .def_readonly("run_after", &Job::run_after)
      .def_readonly("lease_expires", &Job::lease_expires)
      .def_readonly("finished_at", &Job::finished_at)
      .def_readonly("attempts", &Job::attempts)
      .def_readonly("max_attempts", &Job::max_attempts)
      .def_readonly("lease_owner", &Job::lease_owner)
      .def_readonly("last_error", &Job::last_error)
      .def_readonly("result", &Job::result)
      .def("as_dict", &job_dict)
      .def("__repr__", [](const Job& j) {
        return "<Job " + j.name + " " + j.kind + " " + j.state + " attempts=" + std::to_string(j.attempts) + ">";
      });

  py::class_<JobQueue, py::smart_holder>(m, "JobQueue", R"doc(
The durable job queue in the store (doctype "Switchboard Job"): idempotent enqueue by key,
leases taken atomically (one worker per job), retries with backoff, jobs given up with the
reason kept, expired leases returned to the queue. Times are Unix seconds of the store's clock.)doc")
      .def(py::init([](std::shared_ptr<Store> store, int max_attempts, double lease) {
             JobQueueOptions o;
             o.max_attempts = max_attempts;
             o.lease = secs(lease);
             py::gil_scoped_release release;
             return std::make_shared<JobQueue>(std::move(store), o);
           }),
           py::arg("store").none(false), py::kw_only(), py::arg("max_attempts") = 8, py::arg("lease") = 300.0)
      .def(
          "enqueue",
          [](JobQueue& q, const std::string& kind, const std::string& payload, const std::string& key,
             std::int64_t run_after, int max_attempts) {
            JobSpec s{kind, payload, key, run_after, max_attempts};
            py::gil_scoped_release release;
            return q.enqueue(s);
          },
          py::arg("kind"), py::arg("payload") = "", py::kw_only(), py::arg("key") = "",
          py::arg("run_after") = 0, py::arg("max_attempts") = 0,
          "Adds a job (idempotent by key: an existing job's name is returned) and returns its name.")
      .def(
          "lease",
          [](JobQueue& q, const std::string& owner, int max, const std::vector<std::string>& kinds, double lease_for) {
            py::gil_scoped_release release;
            return q.lease(owner, max, kinds, secs(lease_for));
          },
          py::arg("owner"), py::arg("max") = 1, py::arg("kinds") = std::vector<std::string>{},
          py::arg("lease_for") = 0.0, "Leases up to `max` due jobs (counting an attempt each).")
      .def(
          "extend",
          [](JobQueue& q, const Job& job, double lease_for) {
            py::gil_scoped_release release;
            return q.extend(job, secs(lease_for));
          },
          py::arg("job"), py::arg("lease_for") = 0.0)
      .def("complete", &JobQueue::complete, py::arg("job"), py::arg("result") = "", release_gil())
      .def("retry", &JobQueue::retry, py::arg("job"), py::arg("run_after"), py::arg("error"),
           py::arg("counted") = true, release_gil())
      .def("reschedule", &JobQueue::reschedule, py::arg("job"), py::arg("run_after"), py::arg("result") = "",
           release_gil())
      .def("fail", &JobQueue::fail, py::arg("job"), py::arg("error"), release_gil())
      .def("release", &JobQueue::release, py::arg("job"), release_gil())
      .def("make_due", &JobQueue::make_due, py::arg("key"), release_gil())
      .def(
          "get",
          [](JobQueue& q, const std::string& name) {
            std::optional<Job> j;
            {
              py::gil_scoped_release release;
              j = q.get(name);
            }
            return maybe_job(j);
          },
          py::arg("name"))
      .def(
          "find",
          [](JobQueue& q, const std::string& key) {
            std::optional<Job> j;
            {
              py::gil_scoped_release release;
              j = q.find(key);
            }
            return maybe_job(j);
          },
          py::arg("key"))
      .def(
          "stats",
          [](JobQueue& q, int errors) {
            JobStats st;
            {
              py::gil_scoped_release release;
              st = q.stats(errors);
            }
            return stats_dict(st);
          },
          py::arg("errors") = 10, "{now, depth: {kind: {state: n}}, oldest_due, recent_errors}.")
      .def("purge", [](JobQueue& q, double older_than) {
             py::gil_scoped_release release;
             return q.purge(secs(older_than));
           }, py::arg("older_than"), "Deletes Done jobs finished more than `older_than` seconds ago.")
      .def("now", &JobQueue::now, release_gil())
      .def_property_readonly("store", &JobQueue::store_ptr);

  py::class_<JobOutcome>(m, "JobOutcome", "What a job handler did (return one; None means done).")
      .def_static("done", &JobOutcome::done, py::arg("result") = "")
      .def_static("retry", &JobOutcome::retry, py::arg("reason"), py::arg("at") = 0)
      .def_static("reschedule", &JobOutcome::reschedule, py::arg("at"), py::arg("result") = "")
      .def_static("defer", &JobOutcome::defer, py::arg("at"), py::arg("reason"), py::arg("pause_group") = false)
      .def_static("give_up", &JobOutcome::give_up, py::arg("reason"))
      .def_readonly("message", &JobOutcome::message)
      .def_readonly("at", &JobOutcome::at)
      .def_property_readonly("type", [](const JobOutcome& o) {
        switch (o.type) {
          case JobOutcome::Type::kDone: return "done";
          case JobOutcome::Type::kRetry: return "retry";
          case JobOutcome::Type::kReschedule: return "reschedule";
          case JobOutcome::Type::kDefer: return "defer";
          case JobOutcome::Type::kGiveUp: return "give_up";
        }
        return "done";
      });

  py::class_<JobContext>(m, "JobContext", "What a handler gets besides its job (valid during the call).")
      .def("stopping", &JobContext::stopping)
      .def("keep_alive", &JobContext::keep_alive, release_gil());

  py::class_<Worker, py::smart_holder>(m, "Worker", R"doc(
Runs due jobs of the kinds added to it. Handlers are C++ (RingCentralJobs.install) or Python
callables ``handler(job: Job, context: JobContext) -> JobOutcome | None``; an exception retries
the job with backoff (ValidationError and ParseError give it up). ``checkpoint`` is called after
each transaction the worker commits (on Frappe: frappe.db.commit).)doc")
      .def(py::init([](std::shared_ptr<JobQueue> queue, const std::string& owner, int batch, double poll,
                       double purge_after, py::object checkpoint, py::object log) {
             WorkerOptions o;
             o.owner = owner;
             o.batch = batch;
             o.poll = std::chrono::milliseconds(static_cast<std::int64_t>(poll * 1000));
             o.purge_after = secs(purge_after);
             if (!checkpoint.is_none()) {
               auto cb = std::make_shared<PyCallable>(std::move(checkpoint));
               o.checkpoint = [cb] {
                 py::gil_scoped_acquire gil;
                 try {
                   cb->fn();
                 } catch (py::error_already_set& e) {
                   rethrow_as_cpp(e, "Worker checkpoint");
                 }
               };
             }
             if (!log.is_none()) {
               auto cb = std::make_shared<PyCallable>(std::move(log));
               o.log = [cb](int level, const std::string& message) {
                 py::gil_scoped_acquire gil;
                 try {
                   cb->fn(level, message);
                 } catch (py::error_already_set& e) {
                   e.discard_as_unraisable("Worker log callback");
                 }
               };
             }
             return std::make_shared<Worker>(std::move(queue), std::move(o));
           }),
           py::arg("queue").none(false), py::kw_only(), py::arg("owner") = "", py::arg("batch") = 1,
           py::arg("poll") = 1.0, py::arg("purge_after") = 7 * 86400.0, py::arg("checkpoint") = py::none(),
           py::arg("log") = py::none())
      .def(
          "add",
          [](Worker& w, const std::string& kind, py::object handler, const std::string& group, double lease,
             double backoff_base, double backoff_cap) {
            auto cb = std::make_shared<PyCallable>(std::move(handler));
            JobKind k;
            k.kind = kind;
            k.group = group;
            k.lease = secs(lease);
            k.backoff_base = secs(backoff_base);
            k.backoff_cap = secs(backoff_cap);
            k.handler = [cb](const Job& job, JobContext& ctx) -> JobOutcome {
              py::gil_scoped_acquire gil;
              try {
                py::object r = cb->fn(job, py::cast(&ctx, py::return_value_policy::reference));
                if (r.is_none()) return JobOutcome::done();
                return r.cast<JobOutcome>();
              } catch (py::error_already_set& e) {
                rethrow_as_cpp(e, "job handler for " + job.kind);
              } catch (const py::cast_error&) {
                throw ValidationError("a job handler must return a JobOutcome or None", ErrorCode::kInvalidArgument);
              }
            };
            w.add(std::move(k));
          },
          py::arg("kind"), py::arg("handler"), py::kw_only(), py::arg("group") = "", py::arg("lease") = 0.0,
          py::arg("backoff_base") = 30.0, py::arg("backoff_cap") = 3600.0, "Registers a Python handler.")
      .def(
          "run_due",
          [](Worker& w, double seconds, std::vector<std::string> kinds) {
            auto deadline = std::chrono::steady_clock::now() +
                            std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
            py::gil_scoped_release release;
            return w.run_due(deadline, kinds);
          },
          py::arg("seconds") = 50.0, py::arg("kinds") = std::vector<std::string>{},
          "Runs due jobs for at most `seconds` (a started job is finished); returns how many ran.")
      .def("request_stop", &Worker::request_stop)
      .def_property_readonly("stop_requested", &Worker::stop_requested)
      .def_property_readonly("owner", &Worker::owner)
      .def_property_readonly("queue", &Worker::queue_ptr)
      .def_property_readonly("totals", [](const Worker& w) {
        const WorkerTotals& t = w.totals();
        py::dict d;
        d["done"] = t.done;
        d["retried"] = t.retried;
        d["rescheduled"] = t.rescheduled;
        d["deferred"] = t.deferred;
        d["failed"] = t.failed;
        d["lost"] = t.lost;
        return d;
      });
}

}  // namespace switchboard::python
