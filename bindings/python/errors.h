// The Python side of the one error model: exception classes mirroring switchboard::Error and
// its subclasses, a translator C++ -> Python, and the way back for Python-implemented stores.
#pragma once

#include <pybind11/pybind11.h>

#include "switchboard/error.h"

namespace switchboard::python {

/// Creates sb.Error and its subclasses on `m` and registers the translator.
void init_errors(pybind11::module_& m);

/// Converts the Python exception in `e` (raised by a Python store method `where`) into the
/// matching C++ exception and throws it. sb.* exceptions keep their class and code; anything
/// else becomes StoreError(backend) with the Python type and message. Needs the GIL.
/// KeyboardInterrupt, SystemExit and GeneratorExit become switchboard::Interrupted, which
/// the library never turns into an error result; the Python exception itself is kept and
/// raised again, unchanged, when Interrupted reaches the binding (or raise_pending_interrupt).
[[noreturn]] void rethrow_as_cpp(pybind11::error_already_set& e, const std::string& where);

/// Raises (as py::error_already_set) an interrupt that Python code called by the library
/// raised on this thread and that C++ code swallowed (the router turns errors into results);
/// does nothing when there is none. Call with the GIL after a bound call returns.
void raise_pending_interrupt();

}  // namespace switchboard::python
