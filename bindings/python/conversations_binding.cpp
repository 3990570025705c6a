// Python bindings for transfers, deals and order history.
#include <pybind11/pybind11.h>

#include "casters.h"
#include "errors.h"

namespace py = pybind11;

namespace switchboard::python {

void init_conversations(py::module_& m) { (void)m; }

}  // namespace switchboard::python
