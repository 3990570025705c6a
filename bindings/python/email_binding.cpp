// Python bindings for inbound email and the router.
#include <pybind11/pybind11.h>

#include "casters.h"
#include "errors.h"

namespace py = pybind11;

namespace switchboard::python {

void init_email(py::module_& m) { (void)m; }

}  // namespace switchboard::python
