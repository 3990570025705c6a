// switchboard.Store, its built-in backends, Python-implemented backends (trampoline),
// transactions as context managers, and the fault-injecting wrapper.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <thread>

#include "casters.h"
#include "errors.h"
#include "store/backends.h"
#include "switchboard/switchboard.h"

namespace py = pybind11;
using release_gil = py::call_guard<py::gil_scoped_release>;

namespace switchboard::python {
namespace {

// Calls the Python override `name` of a Python-implemented store, holding the GIL, and
// converts what it returns and raises. Missing optional hooks fall back to C++ defaults.
class PyStore : public Store, public py::trampoline_self_life_support {
 public:
  PyStore() : Store(nullptr) {}

 protected:
  std::optional<Document> do_get(std::string_view doctype, std::string_view name) override {
    py::gil_scoped_acquire gil;
    py::object r = call("do_get", doctype, name);
    if (r.is_none()) return std::nullopt;
    return to_document(r, "do_get() result");
  }

  std::vector<Document> do_find(std::string_view doctype, const Query& q) override {
    py::gil_scoped_acquire gil;
    py::object limit = q.limit ? py::object(py::int_(*q.limit)) : py::object(py::none());
    py::object r = call("do_find", doctype, from_filters(q.filters), q.fields, q.order_by, limit,
                        q.offset);
    std::vector<Document> out;
    try {
      for (py::handle row : r) out.push_back(to_document(row, "do_find() row"));
    } catch (py::error_already_set& e) {
      rethrow_as_cpp(e, "do_find() result");
    }
    return out;
  }

  std::string do_insert(std::string_view doctype, const Document& doc) override {
    py::gil_scoped_acquire gil;
    py::object r = call("do_insert", doctype, from_document(doc));
    if (r.is_none()) return doc.text("name");
    return as<std::string>(r, "do_insert");
  }

  void do_update(std::string_view doctype, std::string_view name, const Document& changes) override {
    py::gil_scoped_acquire gil;
    call("do_update", doctype, name, from_document(changes));
  }

  std::int64_t do_update_where(std::string_view doctype, const Filters& filters,
                               const Document& changes) override {
    py::gil_scoped_acquire gil;
    return as<std::int64_t>(call("do_update_where", doctype, from_filters(filters),
                                 from_document(changes)),
                            "do_update_where");
  }

  void do_remove(std::string_view doctype, std::string_view name) override {
    py::gil_scoped_acquire gil;
    call("do_remove", doctype, name);
  }

  void do_begin() override {
    py::gil_scoped_acquire gil;
    call("do_begin");
  }
  void do_commit() override {
    py::gil_scoped_acquire gil;
    call("do_commit");
  }
  void do_rollback() override {
    py::gil_scoped_acquire gil;
    call("do_rollback");
  }

  std::uint32_t do_capabilities() const override {
    py::gil_scoped_acquire gil;
    py::function f = py::get_override(static_cast<const Store*>(this), "do_capabilities");
    if (!f) return 0;
    return as<std::uint32_t>(invoke(f, "do_capabilities"), "do_capabilities");
  }

  std::int64_t do_count(std::string_view doctype, const Filters& filters) override {
    {
      py::gil_scoped_acquire gil;
      if (py::function f = py::get_override(static_cast<const Store*>(this), "do_count"))
        return as<std::int64_t>(invoke(f, "do_count", doctype, from_filters(filters)), "do_count");
    }
    return Store::do_count(doctype, filters);
  }

  std::int64_t do_remove_where(std::string_view doctype, const Filters& filters) override {
    {
      py::gil_scoped_acquire gil;
      if (py::function f = py::get_override(static_cast<const Store*>(this), "do_remove_where"))
        return as<std::int64_t>(invoke(f, "do_remove_where", doctype, from_filters(filters)),
                                "do_remove_where");
    }
    return Store::do_remove_where(doctype, filters);
  }

  std::int64_t do_next_series(std::string_view prefix) override {
    {
      py::gil_scoped_acquire gil;
      if (py::function f = py::get_override(static_cast<const Store*>(this), "do_next_series"))
        return as<std::int64_t>(invoke(f, "do_next_series", prefix), "do_next_series");
    }
    return Store::do_next_series(prefix);
  }

  void do_lock(std::string_view key) override {
    {
      py::gil_scoped_acquire gil;
      if (py::function f = py::get_override(static_cast<const Store*>(this), "do_lock")) {
        invoke(f, "do_lock", key);
        return;
      }
    }
    Store::do_lock(key);
  }

 private:
  template <typename... Args>
  py::object call(const char* name, Args&&... args) const {
    py::function f = py::get_override(static_cast<const Store*>(this), name);
    if (!f)
      throw NotSupported(std::string(py::str(py::type::handle_of(py::cast(this)).attr("__name__"))) +
                         " does not implement " + name + "()");
    return invoke(f, name, std::forward<Args>(args)...);
  }

  template <typename... Args>
  static py::object invoke(const py::function& f, const char* name, Args&&... args) {
    try {
      return f(std::forward<Args>(args)...);
    } catch (py::error_already_set& e) {
      rethrow_as_cpp(e, std::string(name) + "()");
    }
  }

  template <typename T>
  static T as(const py::object& r, const char* name) {
    try {
      return r.cast<T>();
    } catch (const py::cast_error&) {
      throw StoreError(ErrorCode::kBackend, std::string(name) + "() returned a " +
                                                std::string(py::str(py::type::handle_of(r).attr("__name__"))) +
                                                ", which is not what switchboard expects");
    }
  }
};

// `with store.transaction():` — begin on enter, commit on a clean exit, rollback otherwise.
class TransactionContext {
 public:
  explicit TransactionContext(std::shared_ptr<Store> store) : store_(std::move(store)) {}
  std::shared_ptr<Store> enter() {
    {
      py::gil_scoped_release release;
      store_->begin();
    }
    active_ = true;
    return store_;
  }
  bool exit(const py::object& exc_type, const py::object&, const py::object&) {
    if (!active_) return false;
    active_ = false;
    py::gil_scoped_release release;
    if (exc_type.is_none()) store_->commit();
    else store_->rollback();
    return false;  // never swallow the exception
  }

 private:
  std::shared_ptr<Store> store_;
  bool active_ = false;
};

py::dict doctype_info(const DocTypeDef& def) {
  py::dict d;
  d["name"] = def.name;
  d["is_child"] = def.is_child;
  static const char* kNaming[] = {"hash", "series", "field", "single"};
  d["naming"] = kNaming[static_cast<int>(def.naming)];
  d["naming_arg"] = def.naming_arg;
  static const char* kTypes[] = {"text", "int", "real", "date", "datetime"};
  py::list fields;
  for (const auto& f : def.columns()) {
    py::dict fd;
    fd["name"] = f.name;
    fd["type"] = kTypes[static_cast<int>(f.type)];
    fd["default"] = from_value(f.default_value);
    fd["indexed"] = f.indexed;
    fd["unique"] = f.unique;
    fields.append(fd);
  }
  d["fields"] = fields;
  py::dict tables;
  for (const auto& t : def.tables) tables[py::str(t.fieldname)] = t.child_doctype;
  d["tables"] = tables;
  return d;
}

SqliteOptions sqlite_options(const std::string& path, int busy_timeout_ms, bool create,
                             const std::string& synchronous, std::size_t statement_cache_size) {
  SqliteOptions o;
  o.path = path;
  o.busy_timeout_ms = busy_timeout_ms;
  o.create = create;
  o.synchronous = synchronous;
  o.statement_cache_size = statement_cache_size;
  return o;
}

}  // namespace

void init_store(py::module_& m) {
  py::class_<Store, PyStore, py::smart_holder> store(m, "Store", R"doc(
Frappe-shaped document storage with Frappe's filters and nestable transactions.

Use ``MemoryStore()`` or ``SqliteStore(path)``, or subclass ``Store`` to put switchboard on
another backend (Frappe itself): call ``Store.__init__(self)`` and implement ``do_get``,
``do_find``, ``do_insert``, ``do_update``, ``do_update_where``, ``do_remove``, ``do_begin``,
``do_commit`` and ``do_rollback`` (optionally ``do_count``, ``do_remove_where``,
``do_next_series``, ``do_lock``, ``do_capabilities``). The public methods below validate, name
documents, fill defaults and keep multi-write operations atomic on every backend.
Thread-safe; the GIL is released while C++ works.)doc");
  py::class_<TransactionContext>(m, "_TransactionContext")
      .def("__enter__", &TransactionContext::enter)
      .def("__exit__", &TransactionContext::exit);

  store.def(py::init<>(), "For Python-implemented stores: call Store.__init__(self).")
      .def("get", &Store::get, py::arg("doctype"), py::arg("name"), release_gil(),
           "The document as a dict (every schema field, None when unset), or None.")
      .def("exists", &Store::exists, py::arg("doctype"), py::arg("name"), release_gil())
      .def(
          "find",
          [](Store& s, const std::string& doctype, Filters filters,
             std::optional<std::vector<std::string>> fields, std::optional<std::string> order_by,
             std::optional<std::int64_t> limit, std::int64_t offset) {
            Query q(std::move(filters));
            if (fields) q.fields = std::move(*fields);
            if (order_by) q.order_by = std::move(*order_by);
            q.limit = limit;
            q.offset = offset;
            return s.find(doctype, q);
          },
          py::arg("doctype"), py::arg("filters") = py::none(), py::arg("fields") = py::none(),
          py::arg("order_by") = py::none(), py::arg("limit") = py::none(), py::arg("offset") = 0,
          release_gil(),
          "Documents matching every filter: {field: value}, {field: [op, value]} or "
          "[[field, op, value], ...] with ops = != < <= > >= in, not in, like, not like, "
          "between, is ('set' / 'not set').")
      .def(
          "find_one",
          [](Store& s, const std::string& doctype, Filters filters,
             std::optional<std::vector<std::string>> fields, std::optional<std::string> order_by) {
            Query q(std::move(filters));
            if (fields) q.fields = std::move(*fields);
            if (order_by) q.order_by = std::move(*order_by);
            return s.find_one(doctype, q);
          },
          py::arg("doctype"), py::arg("filters") = py::none(), py::arg("fields") = py::none(),
          py::arg("order_by") = py::none(), release_gil(), "The first match, or None.")
      .def("count", &Store::count, py::arg("doctype"), py::arg("filters") = py::none(),
           release_gil())
      .def(
          "insert",
          [](Store& s, const std::string& doctype, const NewDocument& d) {
            if (d.children.empty()) return s.insert(doctype, d.doc);
            return s.insert(doctype, d.doc, d.children);
          },
          py::arg("doctype"), py::arg("doc"), release_gil(),
          "Stores a new document and returns its name (named as Frappe would unless 'name' is "
          "given). List values are child rows: {'full_name': 'Ann', 'email_ids': [{...}]}.")
      .def("update", &Store::update, py::arg("doctype"), py::arg("name"), py::arg("changes"),
           py::arg("update_modified") = true, release_gil())
      .def("update_where", &Store::update_where, py::arg("doctype"), py::arg("filters"),
           py::arg("changes"), py::arg("update_modified") = true, release_gil(),
           "Sets fields on every match; returns how many matched.")
      .def("remove", &Store::remove, py::arg("doctype"), py::arg("name"), release_gil(),
           "Deletes a document and its child rows; NotFound when absent.")
      .def("remove_where", &Store::remove_where, py::arg("doctype"), py::arg("filters"),
           release_gil())
      .def("next_series", &Store::next_series, py::arg("prefix"), release_gil())
      .def("begin", &Store::begin, release_gil())
      .def("commit", &Store::commit, release_gil())
      .def("rollback", &Store::rollback, release_gil())
      .def(
          "transaction",
          [](const std::shared_ptr<Store>& s) { return TransactionContext(s); },
          "A context manager: commits when the block ends normally, rolls back on an exception. "
          "Nests (savepoints).")
      .def_property_readonly("transaction_depth", &Store::transaction_depth)
      .def_property_readonly("capabilities", &Store::capabilities)
      .def("lock", &Store::lock, py::arg("key"), release_gil())
      .def("now", &Store::now, release_gil(), "The store's time as Frappe datetime text.")
      .def(
          "freeze_time",
          [](Store& s, py::object at) {
            if (at.is_none()) {
              s.set_clock(nullptr);
              return;
            }
            double seconds = py::hasattr(at, "timestamp") ? at.attr("timestamp")().cast<double>()
                                                          : at.cast<double>();
            auto tp = std::chrono::system_clock::time_point(
                std::chrono::duration_cast<std::chrono::system_clock::duration>(
                    std::chrono::duration<double>(seconds)));
            s.set_clock([tp] { return tp; });
          },
          py::arg("at"),
          "Stops the store's clock at a datetime or epoch seconds (None restarts it).")
      .def("doctypes",
           [](const Store& s) {
             std::vector<std::string> names;
             for (const auto& d : s.schema().doctypes()) names.push_back(d->name);
             return names;
           })
      .def(
          "doctype", [](const Store& s, const std::string& name) { return doctype_info(s.schema().get(name)); },
          py::arg("name"), "Fields, naming and child tables of a doctype, as a dict.");

  py::class_<detail::MemoryStore, Store, py::smart_holder>(
      m, "MemoryStore", "An in-memory store with full filter and transaction semantics.")
      .def(py::init([] { return detail::open_memory_store(nullptr); }), release_gil());

  py::class_<detail::SqliteStore, Store, py::smart_holder>(
      m, "SqliteStore",
      "The embedded default: Frappe tables in one SQLite file (or ':memory:'), created and "
      "migrated in place; WAL and a busy timeout let several processes share it.")
      .def(py::init([](const std::string& path, int busy_timeout_ms, bool create,
                       const std::string& synchronous, std::size_t statement_cache_size) {
             return detail::open_sqlite_store(
                 sqlite_options(path, busy_timeout_ms, create, synchronous, statement_cache_size));
           }),
           py::arg("path") = ":memory:", py::arg("busy_timeout_ms") = 30000,
           py::arg("create") = true, py::arg("synchronous") = "NORMAL",
           py::arg("statement_cache_size") = 256, release_gil())
      .def_property_readonly("path", &detail::SqliteStore::path);
  m.attr("SQLITE_SCHEMA_VERSION") = sqlite_schema_version();

  py::class_<FaultyStore, Store, py::smart_holder>(
      m, "FaultyStore",
      "Wraps a store and raises StoreError(code='injected_fault') at the k-th write, commit or "
      "rollback (0 = never), for testing that operations are all-or-nothing.")
      .def(py::init([](std::shared_ptr<Store> inner, std::int64_t fail_write,
                       std::int64_t fail_commit, std::int64_t fail_rollback) {
             return std::make_shared<FaultyStore>(std::move(inner),
                                                  FaultPlan{fail_write, fail_commit, fail_rollback});
           }),
           py::arg("inner").none(false), py::arg("fail_write") = 0, py::arg("fail_commit") = 0,
           py::arg("fail_rollback") = 0)
      .def(
          "arm",
          [](FaultyStore& s, std::int64_t fail_write, std::int64_t fail_commit,
             std::int64_t fail_rollback) { s.arm(FaultPlan{fail_write, fail_commit, fail_rollback}); },
          py::arg("fail_write") = 0, py::arg("fail_commit") = 0, py::arg("fail_rollback") = 0,
          release_gil(), "New fault positions; resets the counters.")
      .def_property_readonly("inner", &FaultyStore::inner_ptr)
      .def_property_readonly("writes", &FaultyStore::writes)
      .def_property_readonly("commits", &FaultyStore::commits)
      .def_property_readonly("rollbacks", &FaultyStore::rollbacks);

  m.def("seed_standard_records", &seed_standard_records, py::arg("store").none(false),
        release_gil(), "Inserts Frappe's default statuses that are missing (idempotent).");

  // Test hooks (underscored: not API): the trampoline from a thread that never held the GIL.
  m.def(
      "_get_from_cpp_thread",
      [](std::shared_ptr<Store> s, const std::string& doctype, const std::string& name) {
        std::optional<Document> out;
        std::exception_ptr error;
        std::thread t([&] {
          try {
            out = s->get(doctype, name);
          } catch (...) {
            error = std::current_exception();
          }
        });
        t.join();
        if (error) std::rethrow_exception(error);
        return out;
      },
      py::arg("store").none(false), py::arg("doctype"), py::arg("name"), release_gil());
  m.def(
      "_hold_transaction",
      [](std::shared_ptr<Store> s, double seconds) {
        Transaction tx(*s);
        std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
        tx.commit();
      },
      py::arg("store").none(false), py::arg("seconds"), release_gil(),
      "Holds a transaction open in C++ for `seconds` (GIL released).");
}

}  // namespace switchboard::python
