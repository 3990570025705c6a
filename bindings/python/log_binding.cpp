// Diagnostics into Python's logging: switchboard/__init__.py installs a sink that hands every
// line to logging.getLogger("switchboard.<category>").
#include <pybind11/pybind11.h>

#include <algorithm>
#include <memory>

#include "switchboard/log.h"

namespace py = pybind11;

namespace switchboard::python {
namespace {

// Owns the Python callable; dropping it needs the GIL, and is skipped once Python is gone.
struct PyCallable {
  py::object fn;
  ~PyCallable() {
    if (!Py_IsInitialized()) {
      fn.release();  // the interpreter is gone: leak rather than touch it
      return;
    }
    py::gil_scoped_acquire gil;
    fn = py::object();
  }
};

}  // namespace

void init_log(py::module_& m) {
  m.def(
      "_set_log_sink",
      [](py::object fn, int min_level) {
        if (fn.is_none()) {
          py::gil_scoped_release release;
          set_log_sink({});
          return;
        }
        auto holder = std::shared_ptr<PyCallable>(new PyCallable{std::move(fn)});
        LogSink sink = [holder](LogLevel level, const std::string& category,
                                const std::string& message) {
          if (!Py_IsInitialized()) return;
          // Lock order is store mutex, then GIL (no switchboard lock is held here at all).
          py::gil_scoped_acquire gil;
          try {
            holder->fn(static_cast<int>(level), category, message);
          } catch (py::error_already_set& e) {
            e.discard_as_unraisable("switchboard log sink");
          }
        };
        py::gil_scoped_release release;
        set_log_sink(std::move(sink), static_cast<LogLevel>(std::clamp(min_level, 0, 3)));
      },
      py::arg("sink"), py::arg("min_level") = 0,
      "Sends every diagnostic line at min_level (0 debug .. 3 error) or above to "
      "sink(level, category, message); None restores the default (stderr per $SWITCHBOARD_LOG).");
}

}  // namespace switchboard::python
