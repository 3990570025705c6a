// switchboard.Store, its built-in backends, Python-implemented backends (trampoline),
// transactions as context managers, and the fault-injecting wrapper.
#include <pybind11/functional.h>
#include <pybind11/operators.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <thread>

#include "casters.h"
#include "errors.h"
#include "switchboard/open_store.h"
#include "switchboard/switchboard.h"

namespace py = pybind11;
using release_gil = py::call_guard<py::gil_scoped_release>;

namespace switchboard::python {
namespace {

// A store's schema as Python sees it: read-only, by doctype name.
struct SchemaView {
  std::shared_ptr<const Schema> schema;
};

// The trampoline of every Python backend: calls the Python method `name` holding the GIL and
// converts what it returns and raises. `Base` is StoreBackend (required methods must be
// written in Python) or ForwardingBackend (anything not written in Python forwards).
template <typename Base>
class PyBackend : public Base, public py::trampoline_self_life_support {
 public:
  using Base::Base;

  void open(std::shared_ptr<const Schema> schema) override {
    {
      py::gil_scoped_acquire gil;
      if (py::function f = override("open")) {
        invoke(f, "open", SchemaView{schema});
        return;
      }
    }
    Base::open(std::move(schema));
  }

  std::optional<Document> get(std::string_view doctype, std::string_view name) override {
    {
      py::gil_scoped_acquire gil;
      if (py::function f = override("get")) {
        py::object r = invoke(f, "get", doctype, name);
        if (r.is_none()) return std::nullopt;
        return to_document(r, "get() result");
      }
    }
    if constexpr (kForwards) return Base::get(doctype, name);
    else missing("get");
  }

  std::vector<Document> find(std::string_view doctype, const Query& q) override {
    {
      py::gil_scoped_acquire gil;
      if (py::function f = override("find")) {
        py::object limit = q.limit ? py::object(py::int_(*q.limit)) : py::object(py::none());
        py::object r = invoke(f, "find", doctype, from_filters(q.filters), q.fields, q.order_by,
                              limit, q.offset);
        std::vector<Document> out;
        try {
          for (py::handle row : r) out.push_back(to_document(row, "find() row"));
        } catch (py::error_already_set& e) {
          rethrow_as_cpp(e, "find() result");
        }
        return out;
      }
    }
    if constexpr (kForwards) return Base::find(doctype, q);
    else missing("find");
  }

  std::string insert(std::string_view doctype, const Document& doc) override {
    {
      py::gil_scoped_acquire gil;
      if (py::function f = override("insert")) {
        py::object r = invoke(f, "insert", doctype, from_document(doc));
        if (r.is_none()) return doc.get("name").to_text();
        return name_of(r, "insert");
      }
    }
    if constexpr (kForwards) return Base::insert(doctype, doc);
    else missing("insert");
  }

  void update(std::string_view doctype, std::string_view name, const Document& changes) override {
    {
      py::gil_scoped_acquire gil;
      if (py::function f = override("update")) {
        invoke(f, "update", doctype, name, from_document(changes));
        return;
      }
    }
    if constexpr (kForwards) Base::update(doctype, name, changes);
    else missing("update");
  }

  std::int64_t update_where(std::string_view doctype, const Filters& filters,
                            const Document& changes) override {
    {
      py::gil_scoped_acquire gil;
      if (py::function f = override("update_where"))
        return as<std::int64_t>(
            invoke(f, "update_where", doctype, from_filters(filters), from_document(changes)),
            "update_where");
    }
    if constexpr (kForwards) return Base::update_where(doctype, filters, changes);
    else missing("update_where");
  }

  void remove(std::string_view doctype, std::string_view name) override {
    {
      py::gil_scoped_acquire gil;
      if (py::function f = override("remove")) {
        invoke(f, "remove", doctype, name);
        return;
      }
    }
    if constexpr (kForwards) Base::remove(doctype, name);
    else missing("remove");
  }

  void begin() override {
    transaction_call("begin", [this] { if constexpr (kForwards) Base::begin(); });
  }
  void commit() override {
    transaction_call("commit", [this] { if constexpr (kForwards) Base::commit(); });
  }
  void rollback() override {
    transaction_call("rollback", [this] { if constexpr (kForwards) Base::rollback(); });
  }

  // Declared flags, plus one per optional method the class writes in Python.
  std::uint32_t capabilities() const override {
    py::gil_scoped_acquire gil;
    std::uint32_t caps = 0;
    if (py::function f = override("capabilities"))
      caps = as<std::uint32_t>(invoke(f, "capabilities"), "capabilities");
    else if constexpr (kForwards)
      caps = Base::capabilities();
    static const std::pair<const char*, std::uint32_t> kOptional[] = {
        {"count", Capability::kCount},
        {"remove_where", Capability::kRemoveWhere},
        {"next_series", Capability::kSeries},
        {"lock", Capability::kLock},
        {"insert_many", Capability::kInsertMany},
        {"insert_with_rows", Capability::kInsertWithRows}};
    for (const auto& [name, bit] : kOptional)
      if (override(name)) caps |= bit;
    return caps;
  }

  std::int64_t count(std::string_view doctype, const Filters& filters) override {
    {
      py::gil_scoped_acquire gil;
      if (py::function f = override("count"))
        return as<std::int64_t>(invoke(f, "count", doctype, from_filters(filters)), "count");
    }
    return Base::count(doctype, filters);
  }

  std::int64_t remove_where(std::string_view doctype, const Filters& filters) override {
    {
      py::gil_scoped_acquire gil;
      if (py::function f = override("remove_where"))
        return as<std::int64_t>(invoke(f, "remove_where", doctype, from_filters(filters)),
                                "remove_where");
    }
    return Base::remove_where(doctype, filters);
  }

  std::int64_t next_series(std::string_view prefix) override {
    {
      py::gil_scoped_acquire gil;
      if (py::function f = override("next_series"))
        return as<std::int64_t>(invoke(f, "next_series", prefix), "next_series");
    }
    return Base::next_series(prefix);
  }

  void lock(std::string_view key) override {
    {
      py::gil_scoped_acquire gil;
      if (py::function f = override("lock")) {
        invoke(f, "lock", key);
        return;
      }
    }
    Base::lock(key);
  }

  void insert_many(std::string_view doctype, const std::vector<Document>& docs) override {
    {
      py::gil_scoped_acquire gil;
      if (py::function f = override("insert_many")) {
        py::list rows;
        for (const auto& d : docs) rows.append(from_document(d));
        invoke(f, "insert_many", doctype, rows);
        return;
      }
    }
    Base::insert_many(doctype, docs);
  }

  std::string insert_with_rows(std::string_view doctype, const Document& doc,
                               const std::vector<ChildTableRows>& tables) override {
    {
      py::gil_scoped_acquire gil;
      if (py::function f = override("insert_with_rows")) {
        py::list py_tables;
        for (const auto& t : tables) {
          py::list rows;
          for (const auto& r : t.rows) rows.append(from_document(r));
          py_tables.append(py::make_tuple(t.parentfield, t.child_doctype, rows));
        }
        return name_of(invoke(f, "insert_with_rows", doctype, from_document(doc), py_tables),
                       "insert_with_rows");
      }
    }
    return Base::insert_with_rows(doctype, doc, tables);
  }

 private:
  static constexpr bool kForwards = std::is_base_of_v<ForwardingBackend, Base>;

  py::function override(const char* name) const {
    return py::get_override(static_cast<const Base*>(this), name);
  }

  // `forward` calls the base class's own method (qualified: a virtual call would come back).
  template <typename Forward>
  void transaction_call(const char* name, Forward forward) {
    {
      py::gil_scoped_acquire gil;
      if (py::function f = override(name)) {
        invoke(f, name);
        return;
      }
    }
    if constexpr (kForwards) forward();
    else missing(name);
  }

  [[noreturn]] void missing(const char* name) const {
    py::gil_scoped_acquire gil;
    throw NotSupported(
        std::string(py::str(py::type::handle_of(py::cast(static_cast<const Base*>(this)))
                                .attr("__name__"))) +
        " does not implement " + name + "()");
  }

  template <typename... Args>
  static py::object invoke(const py::function& f, const char* name, Args&&... args) {
    try {
      return f(std::forward<Args>(args)...);
    } catch (py::error_already_set& e) {
      rethrow_as_cpp(e, std::string(name) + "()");
    }
  }

  // Names may be text or integers (Helpdesk names tickets by autoincrement).
  static std::string name_of(const py::object& r, const char* method) {
    if (py::isinstance<py::str>(r)) return r.cast<std::string>();
    if (py::isinstance<py::int_>(r) && !py::isinstance<py::bool_>(r))
      return std::to_string(r.cast<long long>());
    throw StoreError(ErrorCode::kBackend,
                     std::string(method) + "() returned a " +
                         std::string(py::str(py::type::handle_of(r).attr("__name__"))) +
                         ", not a name (str or int)");
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
                             const std::string& synchronous, std::size_t statement_cache_size,
                             bool read_only, int page_cache_kib, int wal_checkpoint_kib) {
  SqliteOptions o;
  o.path = path;
  o.busy_timeout_ms = busy_timeout_ms;
  o.create = create;
  o.read_only = read_only;
  o.synchronous = synchronous;
  o.statement_cache_size = statement_cache_size;
  o.page_cache_kib = page_cache_kib;
  o.wal_checkpoint_kib = wal_checkpoint_kib;
  return o;
}

std::vector<std::string> doctype_names(const Schema& schema) {
  std::vector<std::string> names;
  for (const auto& d : schema.doctypes()) names.push_back(d->name);
  return names;
}

}  // namespace

void init_store(py::module_& m) {
  py::class_<SchemaView>(m, "Schema", "The doctypes a store knows: names, fields, naming, tables.")
      .def("doctypes", [](const SchemaView& v) { return doctype_names(*v.schema); })
      .def(
          "doctype", [](const SchemaView& v, const std::string& name) { return doctype_info(v.schema->get(name)); },
          py::arg("name"), "Fields, naming and child tables of a doctype, as a dict.")
      .def("__contains__",
           [](const SchemaView& v, const std::string& name) { return v.schema->find(name) != nullptr; });

  py::class_<StoreBackend, PyBackend<StoreBackend>, py::smart_holder>(m, "StoreBackend", R"doc(
Base class of storage backends written in Python (Frappe's is one).

Subclass it, call ``sb.StoreBackend.__init__(self)``, and write ``get``, ``find``, ``insert``,
``update``, ``update_where``, ``remove``, ``begin``, ``commit`` and ``rollback``; optionally
``count``, ``remove_where``, ``next_series``, ``lock``, ``insert_many``, ``insert_with_rows``
(a self-managed backend storing a document with its child rows in one call: ``(doctype, doc,
[(parentfield, child_doctype, [row, ...]), ...])`` returning the name; each one you write is
used), ``capabilities`` (extra Capability flags such as SAVEPOINTS or SELF_MANAGED) and
``open(schema)``. Then ``store = sb.Store(MyBackend())``: the Store validates, names
documents, fills defaults, derives fields and keeps every multi-write operation atomic.
Methods are called one at a time, holding the GIL.)doc")
      .def(py::init<>());

  py::class_<ForwardingBackend, StoreBackend, PyBackend<ForwardingBackend>, py::smart_holder>(
      m, "ForwardingBackend", R"doc(
A backend that forwards everything to another store. Subclass it to decorate a store
(count, log, cache): override what you decorate and call the base method for the rest;
``sb.Store(MyDecorator(inner))`` then behaves exactly like ``inner``.)doc")
      .def(py::init<std::shared_ptr<Store>>(), py::arg("inner").none(false))
      .def_property_readonly("inner", &ForwardingBackend::inner_ptr)
      // Each method calls ForwardingBackend's own (not the virtual one, which would come back
      // to a Python override calling super(): endless).
      .def(
          "get",
          [](ForwardingBackend& b, const std::string& doctype, const std::string& name) {
            return b.ForwardingBackend::get(doctype, name);
          },
          py::arg("doctype"), py::arg("name"), release_gil())
      .def(
          "find",
          [](ForwardingBackend& b, const std::string& doctype, Filters filters,
             std::vector<std::string> fields, std::string order_by,
             std::optional<std::int64_t> limit, std::int64_t offset) {
            Query q(std::move(filters));
            q.fields = std::move(fields);
            q.order_by = std::move(order_by);
            q.limit = limit;
            q.offset = offset;
            return b.ForwardingBackend::find(doctype, q);
          },
          py::arg("doctype"), py::arg("filters"), py::arg("fields"), py::arg("order_by"),
          py::arg("limit"), py::arg("offset"), release_gil())
      .def(
          "insert",
          [](ForwardingBackend& b, const std::string& doctype, const Document& doc) {
            return b.ForwardingBackend::insert(doctype, doc);
          },
          py::arg("doctype"), py::arg("doc"), release_gil())
      .def(
          "update",
          [](ForwardingBackend& b, const std::string& doctype, const std::string& name,
             const Document& changes) { b.ForwardingBackend::update(doctype, name, changes); },
          py::arg("doctype"), py::arg("name"), py::arg("changes"), release_gil())
      .def(
          "update_where",
          [](ForwardingBackend& b, const std::string& doctype, const Filters& filters,
             const Document& changes) {
            return b.ForwardingBackend::update_where(doctype, filters, changes);
          },
          py::arg("doctype"), py::arg("filters"), py::arg("changes"), release_gil())
      .def(
          "remove",
          [](ForwardingBackend& b, const std::string& doctype, const std::string& name) {
            b.ForwardingBackend::remove(doctype, name);
          },
          py::arg("doctype"), py::arg("name"), release_gil())
      .def("begin", [](ForwardingBackend& b) { b.ForwardingBackend::begin(); }, release_gil())
      .def("commit", [](ForwardingBackend& b) { b.ForwardingBackend::commit(); }, release_gil())
      .def("rollback", [](ForwardingBackend& b) { b.ForwardingBackend::rollback(); },
           release_gil())
      .def(
          "count",
          [](ForwardingBackend& b, const std::string& doctype, const Filters& filters) {
            return b.ForwardingBackend::count(doctype, filters);
          },
          py::arg("doctype"), py::arg("filters"), release_gil())
      .def(
          "remove_where",
          [](ForwardingBackend& b, const std::string& doctype, const Filters& filters) {
            return b.ForwardingBackend::remove_where(doctype, filters);
          },
          py::arg("doctype"), py::arg("filters"), release_gil())
      .def(
          "next_series",
          [](ForwardingBackend& b, const std::string& prefix) {
            return b.ForwardingBackend::next_series(prefix);
          },
          py::arg("prefix"), release_gil())
      .def(
          "lock", [](ForwardingBackend& b, const std::string& key) { b.ForwardingBackend::lock(key); },
          py::arg("key"), release_gil());

  py::class_<FaultyBackend, ForwardingBackend, py::smart_holder>(
      m, "FaultyBackend",
      "Forwards to a store and raises StoreError(code='injected_fault') at the k-th write, commit "
      "or rollback (0 = never); see FaultyStore.")
      .def(py::init([](std::shared_ptr<Store> inner, std::int64_t fail_write,
                       std::int64_t fail_commit, std::int64_t fail_rollback) {
             return std::make_shared<FaultyBackend>(std::move(inner),
                                                    FaultPlan{fail_write, fail_commit, fail_rollback});
           }),
           py::arg("inner").none(false), py::arg("fail_write") = 0, py::arg("fail_commit") = 0,
           py::arg("fail_rollback") = 0)
      .def(
          "arm",
          [](FaultyBackend& b, std::int64_t fail_write, std::int64_t fail_commit,
             std::int64_t fail_rollback) { b.arm(FaultPlan{fail_write, fail_commit, fail_rollback}); },
          py::arg("fail_write") = 0, py::arg("fail_commit") = 0, py::arg("fail_rollback") = 0,
          release_gil(), "New fault positions; resets the counters.")
      .def_property_readonly("writes", &FaultyBackend::writes)
      .def_property_readonly("commits", &FaultyBackend::commits)
      .def_property_readonly("rollbacks", &FaultyBackend::rollbacks);

  m.def("_memory_backend", &make_memory_backend, "A new in-memory backend.");
  m.def(
      "_sqlite_backend",
      [](const std::string& path, int busy_timeout_ms, bool create, const std::string& synchronous,
         std::size_t statement_cache_size, bool read_only, int page_cache_kib,
         int wal_checkpoint_kib) {
        return make_sqlite_backend(sqlite_options(path, busy_timeout_ms, create, synchronous,
                                                  statement_cache_size, read_only, page_cache_kib,
                                                  wal_checkpoint_kib));
      },
      py::arg("path"), py::arg("busy_timeout_ms") = 30000, py::arg("create") = true,
      py::arg("synchronous") = "NORMAL", py::arg("statement_cache_size") = 256,
      py::arg("read_only") = false, py::arg("page_cache_kib") = SqliteOptions{}.page_cache_kib,
      py::arg("wal_checkpoint_kib") = SqliteOptions{}.wal_checkpoint_kib, release_gil(),
      "A SQLite backend on `path` (tables are created when a Store adopts it; read_only: "
      "nothing is created, migrated or written).");

  auto brand_from = [](const py::dict& fields) {
    Brand brand;
    py::object self = py::cast(brand);
    for (auto [key, value] : fields) {
      std::string k = py::str(key);
      if (!py::hasattr(self, k.c_str()) || k.rfind("_", 0) == 0)
        throw ValidationError("unknown brand setting '" + k + "'");
      self.attr(k.c_str()) = value;
    }
    return self.cast<Brand>();
  };
  py::class_<Brand>(m, "Brand", R"doc(
One brand of a site: name, mail domains, support/sales/info aliases, company numbers, the
address replies go out from (``reply_from``) and a signature. ``sb.Brand(name="Acme", ...)``;
a dict with the same keys is accepted wherever a Brand is.)doc")
      .def(py::init([brand_from](const py::kwargs& kwargs) { return brand_from(kwargs); }))
      .def(py::init(brand_from), py::arg("fields"))
      .def_readwrite("name", &Brand::name)
      .def_readwrite("domains", &Brand::domains)
      .def_readwrite("support_aliases", &Brand::support_aliases)
      .def_readwrite("sales_aliases", &Brand::sales_aliases)
      .def_readwrite("info_aliases", &Brand::info_aliases)
      .def_readwrite("company_numbers", &Brand::company_numbers)
      .def_readwrite("reply_from", &Brand::reply_from)
      .def_readwrite("signature", &Brand::signature)
      .def("aliases", &Brand::aliases)
      .def("__repr__", [](const Brand& b) { return "Brand(" + b.name + ")"; });
  py::implicitly_convertible<py::dict, Brand>();

  py::class_<SiteConfig>(m, "SiteConfig", R"doc(
The facts of one site: phone region (and fallback regions), the company's mail domains and
routing aliases, internal domains, open and closed statuses, company phone numbers.
One per store (``store.site``); keyword arguments set fields, the rest keep their defaults.)doc")
      .def(py::init([](const py::kwargs& kwargs) {
        SiteConfig site;
        py::object self = py::cast(site);
        for (auto [key, value] : kwargs) {
          std::string k = py::str(key);
          if (!py::hasattr(self, k.c_str()) || k.rfind("_", 0) == 0)
            throw ValidationError("unknown site setting '" + k + "'");
          self.attr(k.c_str()) = value;
        }
        site = self.cast<SiteConfig>();
        site.validate();
        return site;
      }))
      .def_readwrite("region", &SiteConfig::region)
      .def_readwrite("fallback_regions", &SiteConfig::fallback_regions)
      .def_readwrite("company_domains", &SiteConfig::company_domains)
      .def_readwrite("internal_domains", &SiteConfig::internal_domains)
      .def_readwrite("support_aliases", &SiteConfig::support_aliases)
      .def_readwrite("sales_aliases", &SiteConfig::sales_aliases)
      .def_readwrite("info_aliases", &SiteConfig::info_aliases)
      .def_readwrite("open_ticket_statuses", &SiteConfig::open_ticket_statuses)
      .def_readwrite("closed_ticket_statuses", &SiteConfig::closed_ticket_statuses)
      .def_readwrite("closed_lead_statuses", &SiteConfig::closed_lead_statuses)
      .def_readwrite("company_numbers", &SiteConfig::company_numbers)
      .def("validate", &SiteConfig::validate)
      .def_readwrite("brands", &SiteConfig::brands,
                     "The site's brands (a copy: assign a new list to change them).")
      .def("all_internal_domains", &SiteConfig::all_internal_domains)
      .def("all_support_aliases", &SiteConfig::all_support_aliases)
      .def("all_sales_aliases", &SiteConfig::all_sales_aliases)
      .def("all_info_aliases", &SiteConfig::all_info_aliases)
      .def("all_company_numbers", &SiteConfig::all_company_numbers)
      .def(
          "brand_of",
          [](const SiteConfig& s, const std::string& address) -> std::optional<Brand> {
            const Brand* b = s.brand_of(address);
            if (!b) return std::nullopt;
            return *b;
          },
          py::arg("address"), "The brand an address belongs to, or None.")
      .def_static("from_json", &SiteConfig::from_json, py::arg("json"))
      .def("to_json", &SiteConfig::to_json)
      .def("to_dict",
           [](const SiteConfig& s) { return py::module_::import("json").attr("loads")(s.to_json()); })
      .def(py::self == py::self)
      .def("__repr__", [](const SiteConfig& s) { return "SiteConfig(" + s.to_json() + ")"; });

  py::class_<Store, py::smart_holder> store(m, "Store", R"doc(
Frappe-shaped document storage with Frappe's filters and nestable transactions, over a backend.

``sb.Store(backend)`` puts the library on any ``sb.StoreBackend`` (Frappe's, or your own);
``sb.MemoryStore()`` and ``sb.SqliteStore(path)`` are stores on the built-in backends. The
methods validate, name documents, fill defaults, derive fields and keep multi-write operations
atomic on every backend. To change how a store stores, write a backend; Store's own methods
are not meant to be overridden. Thread-safe; the GIL is released while C++ works.)doc");
  py::class_<TransactionContext>(m, "_TransactionContext")
      .def("__enter__", &TransactionContext::enter)
      .def("__exit__", &TransactionContext::exit);

  store
      .def(py::init([](std::shared_ptr<StoreBackend> backend, bool seed_defaults) {
             // Opening may wait on a database or on another store's transaction: without the
             // GIL (a Python backend's trampolines retake it). Not a call_guard: registering
             // the new instance afterwards needs the GIL.
             py::gil_scoped_release release;
             return std::shared_ptr<Store>(open_store(std::move(backend), nullptr, seed_defaults));
           }),
           py::arg("backend").none(false), py::kw_only(), py::arg("seed_defaults") = false,
           "A store over `backend` with the standard schema and the site facts stored in it "
           "(a backend attached to a Frappe site: the site's doctypes and time zone; a decorator: "
           "its inner store's); seed_defaults (a database open for writing) inserts Frappe's default "
           "statuses that are missing and recomputes stored phone keys another key version or "
           "other regions computed (refresh_phone_keys), never on a Frappe site's own database.")
      .def_property_readonly("backend", &Store::backend)
      .def_property_readonly("schema", [](const Store& s) { return SchemaView{s.schema_ptr()}; })
      .def_property(
          "site", py::cpp_function([](const Store& s) { return *s.site(); }, release_gil()),
          py::cpp_function([](Store& s, SiteConfig site) { s.set_site(std::move(site)); },
                           release_gil()),
          "The site's facts (a copy). Assigning replaces them for this store's services; "
          "save_site() also stores them.")
      .def(
          "save_site",
          [](Store& s, std::optional<SiteConfig> site) { save_site_config(s, site ? *site : *s.site()); },
          py::arg("site") = py::none(), release_gil(),
          "Stores the site facts (these, or the current ones) in the store's settings document.")
      .def(
          "get",
          [](Store& s, const std::string& doctype, const Name& name) { return s.get(doctype, name.value); },
          py::arg("doctype"), py::arg("name"), release_gil(),
           "The document as a dict (every schema field, None when unset), or None.")
      .def(
          "exists",
          [](Store& s, const std::string& doctype, const Name& name) { return s.exists(doctype, name.value); },
          py::arg("doctype"), py::arg("name"), release_gil())
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
      .def(
          "update",
          [](Store& s, const std::string& doctype, const Name& name, const Document& changes,
             bool update_modified) { s.update(doctype, name.value, changes, update_modified); },
          py::arg("doctype"), py::arg("name"), py::arg("changes"),
           py::arg("update_modified") = true, release_gil())
      .def("update_where", &Store::update_where, py::arg("doctype"), py::arg("filters"),
           py::arg("changes"), py::arg("update_modified") = true, release_gil(),
           "Sets fields on every match; returns how many matched.")
      .def(
          "remove",
          [](Store& s, const std::string& doctype, const Name& name) { s.remove(doctype, name.value); },
          py::arg("doctype"), py::arg("name"), release_gil(),
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
      .def_property_readonly("capabilities",
                             py::cpp_function(&Store::capabilities, release_gil()))
      .def("lock", &Store::lock, py::arg("key"), release_gil())
      .def("now", &Store::now, release_gil(), "The store's time as Frappe datetime text in its time_zone.")
      .def(
          "freeze_time",
          [](Store& s, py::object at) {
            Clock clock;
            if (!at.is_none()) {
              double seconds = py::hasattr(at, "timestamp") ? at.attr("timestamp")().cast<double>()
                                                            : at.cast<double>();
              auto tp = std::chrono::system_clock::time_point(
                  std::chrono::duration_cast<std::chrono::system_clock::duration>(
                      std::chrono::duration<double>(seconds)));
              clock = [tp] { return tp; };
            }
            // The store's mutex may be held by a thread waiting for the GIL: never wait for
            // it while holding the GIL.
            py::gil_scoped_release release;
            s.set_clock(std::move(clock));
          },
          py::arg("at"),
          "Stops the store's clock at a datetime or epoch seconds (None restarts it).")
      .def_property(
          "time_zone", [](const Store& s) { return s.time_zone(); },
          [](Store& s, const std::string& name) {
            py::gil_scoped_release release;  // as freeze_time: never wait for the mutex with the GIL
            s.set_time_zone(name);
          },
          "The zone the store's datetimes are in: an IANA name (a Frappe site's System Settings "
          "time zone; FrappeStore sets it) or '' for the process's local time. ValidationError "
          "for an unknown name.")
      .def("doctypes", [](const Store& s) { return doctype_names(s.schema()); })
      .def(
          "doctype", [](const Store& s, const std::string& name) { return doctype_info(s.schema().get(name)); },
          py::arg("name"), "Fields, naming and child tables of a doctype, as a dict.");

  m.attr("SQLITE_SCHEMA_VERSION") = sqlite_schema_version();
  m.attr("SITE_SETTINGS_DOCTYPE") = kSiteSettingsDoctype;

  m.def("seed_standard_records", &seed_standard_records, py::arg("store").none(false),
        release_gil(), "Inserts Frappe's default statuses that are missing (idempotent).");
  m.def("load_site_config", &load_site_config, py::arg("store").none(false), release_gil(),
        "The site facts stored in `store` (defaults when none are).");
  m.def("save_site_config", &save_site_config, py::arg("store").none(false), py::arg("site"),
        release_gil(), "Stores `site` in the store's settings document and makes it the store's.");

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
