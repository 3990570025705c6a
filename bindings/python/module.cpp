// The switchboard._core extension module: one init_<area> per area, in dependency order.
#include <pybind11/pybind11.h>

#include "errors.h"
#include "switchboard/version.h"

namespace switchboard::python {
void init_log(pybind11::module_& m);
void init_store(pybind11::module_& m);
void init_mariadb(pybind11::module_& m);
void init_phone(pybind11::module_& m);
void init_email(pybind11::module_& m);
void init_conversations(pybind11::module_& m);
void init_telephony(pybind11::module_& m);
void init_jobs(pybind11::module_& m);
void init_ringcentral(pybind11::module_& m);
void init_ringcentral_sync(pybind11::module_& m);
}  // namespace switchboard::python

PYBIND11_MODULE(_core, m) {
  m.doc() = "switchboard's C++ core (import switchboard instead).";
  m.attr("__version__") = switchboard::kVersion;
  switchboard::python::init_errors(m);
  switchboard::python::init_log(m);
  switchboard::python::init_store(m);
  switchboard::python::init_mariadb(m);
  switchboard::python::init_phone(m);
  switchboard::python::init_email(m);
  switchboard::python::init_conversations(m);
  switchboard::python::init_telephony(m);
  switchboard::python::init_jobs(m);
  switchboard::python::init_ringcentral(m);
  switchboard::python::init_ringcentral_sync(m);
}
