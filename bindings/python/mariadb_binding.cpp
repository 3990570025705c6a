// switchboard.MariaDbStore and open_store: stores on a MariaDB server (own database or a
// Frappe site's), and the one way to open a store from a database string.
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
      "MariaDbStore",
      [](const std::string& url, bool frappe, const std::string& password_env,
         const std::string& option_file, const std::string& option_group,
         int lock_wait_timeout, int connect_timeout,
         std::size_t statement_cache_size) -> std::shared_ptr<Store> {
        MariaDbOptions o;
        o.frappe_site = frappe;
        o.password_env = password_env;
        o.option_file = option_file;
        o.option_group = option_group;
        o.lock_wait_timeout_seconds = lock_wait_timeout;
        o.connect_timeout_seconds = connect_timeout;
        o.statement_cache_size = statement_cache_size;
        return make_mariadb_store(url, o);
      },
      py::arg("url"), py::arg("frappe") = false, py::arg("password_env") = "MARIADB_PASSWORD",
      py::arg("option_file") = "", py::arg("option_group") = "client",
      py::arg("lock_wait_timeout") = 10, py::arg("connect_timeout") = 10,
      py::arg("statement_cache_size") = 256, release_gil(),
      R"doc(A store on a MariaDB server: ``mariadb://user:password@host:port/database`` or
``mariadb://user@localhost/database?socket=/path``. Its own database is created and migrated in
Frappe's table layout; with ``frappe=True`` (or ``?frappe=1``) it works on a Frappe site's
database, reading doctypes and custom fields from the site's meta and never changing tables.
The password comes from the URL, else the environment variable ``password_env``, else the
option file; error messages never show it.)doc");
  m.def("open_store", &open_store, py::arg("database"), release_gil(),
        "Opens a store from a database string: a mariadb:// URL, ':memory:', or an SQLite path.");
  m.def("describe_database", &describe_database, py::arg("database"),
        "The database string with a URL's password replaced by '***'.");
}

}  // namespace switchboard::python
