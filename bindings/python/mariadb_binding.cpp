// The MariaDB backend (sb.MariaDbStore in switchboard/_stores.py puts a Store on it) and
// open_store: the one way to open a store from a database string.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "switchboard/mariadb_store.h"
#include "switchboard/open_store.h"
#include "switchboard/store.h"

namespace py = pybind11;
using release_gil = py::call_guard<py::gil_scoped_release>;

namespace switchboard::python {

void init_mariadb(py::module_& m) {
  m.def(
      "_mariadb_backend",
      [](const std::string& url, bool frappe, const std::string& password_env,
         const std::string& option_file, const std::string& option_group, int lock_wait_timeout,
         int connect_timeout, std::size_t statement_cache_size) {
        MariaDbOptions o;
        o.frappe_site = frappe;
        o.password_env = password_env;
        o.option_file = option_file;
        o.option_group = option_group;
        o.lock_wait_timeout_seconds = lock_wait_timeout;
        o.connect_timeout_seconds = connect_timeout;
        o.statement_cache_size = statement_cache_size;
        return make_mariadb_backend(url, o);
      },
      py::arg("url"), py::arg("frappe") = false, py::arg("password_env") = "MARIADB_PASSWORD",
      py::arg("option_file") = "", py::arg("option_group") = "client",
      py::arg("lock_wait_timeout") = 10, py::arg("connect_timeout") = 10,
      py::arg("statement_cache_size") = 256, release_gil(),
      "A MariaDB backend on `url` (connected; tables are created when a Store adopts it).");
  m.def("open_store", [](const std::string& db) -> std::shared_ptr<Store> { return open_store(db); },
        py::arg("database"), release_gil(),
        "Opens a store from a database string: a mariadb:// URL, ':memory:', or an SQLite path.");
  m.def("describe_database", &describe_database, py::arg("database"),
        "The database string with a URL's password replaced by '***'.");
}

}  // namespace switchboard::python
