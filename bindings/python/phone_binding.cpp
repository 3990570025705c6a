// Python bindings for phones, match keys and duplicate merging.
#include <pybind11/pybind11.h>

#include "casters.h"
#include "errors.h"
#include "switchboard/merge.h"

namespace py = pybind11;

namespace switchboard::python {

void init_phone(py::module_& m) {
  m.def("resolve_survivor", &resolve_survivor, py::arg("store").none(false), py::arg("doctype"),
        py::arg("name"), py::call_guard<py::gil_scoped_release>(),
        "The record `name` ended up in after merges (follows merge pointers; cycle-safe).");
  m.def("merge_pointer_field", [](const std::string& doctype) { return std::string(merge_pointer_field(doctype)); },
        py::arg("doctype"), "The field holding a doctype's merge pointer, or ''.");
}

}  // namespace switchboard::python
