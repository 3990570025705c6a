#include "errors.h"

#include <map>

namespace py = pybind11;

namespace switchboard::python {
namespace {

// Exception classes live for the whole process (module objects are never finalized before
// the translator could run).
struct Classes {
  PyObject* error = nullptr;
  PyObject* validation = nullptr;
  PyObject* not_found = nullptr;
  PyObject* store = nullptr;
  PyObject* not_supported = nullptr;
  PyObject* parse = nullptr;
  PyObject* http = nullptr;
  PyObject* auth = nullptr;
};
Classes& classes() {
  static Classes c;
  return c;
}

PyObject* load_class(py::module_& m, const py::module_& errors, const char* name) {
  py::object cls = errors.attr(name);
  m.add_object(name, cls);
  return cls.release().ptr();  // kept for the life of the process
}

void raise(PyObject* cls, const Error& e, const std::function<void(py::object&)>& extra = {}) {
  py::object inst = py::reinterpret_borrow<py::object>(cls)(py::str(e.what()));
  inst.attr("code") = py::str(error_code_name(e.code()));
  if (extra) extra(inst);
  PyErr_SetObject(cls, inst.ptr());
}

ErrorCode code_from_name(const std::string& name, ErrorCode fallback) {
  static const std::map<std::string, ErrorCode> kCodes = [] {
    std::map<std::string, ErrorCode> m;
    for (int i = 0; i <= static_cast<int>(ErrorCode::kInternal); ++i)
      m[error_code_name(static_cast<ErrorCode>(i))] = static_cast<ErrorCode>(i);
    return m;
  }();
  auto it = kCodes.find(name);
  return it == kCodes.end() ? fallback : it->second;
}

// The exception instance (a new reference) of an interrupt raised by Python code that the
// library called on this thread, until it is raised again at the library's boundary.
thread_local PyObject* t_pending_interrupt = nullptr;

// Sets the pending interrupt as the current Python error and forgets it; false when none.
bool restore_pending_interrupt() {
  PyObject* value = t_pending_interrupt;
  if (!value) return false;
  t_pending_interrupt = nullptr;
  PyObject* type = reinterpret_cast<PyObject*>(Py_TYPE(value));
  Py_INCREF(type);
  PyErr_Restore(type, value, PyException_GetTraceback(value));
  return true;
}

}  // namespace

void raise_pending_interrupt() {
  if (t_pending_interrupt) {
    restore_pending_interrupt();
    throw py::error_already_set();
  }
}

void init_errors(py::module_& m) {
  // The classes are plain Python (switchboard/_errors.py) so users can raise them with a code:
  // raise sb.StoreError("taken", code="duplicate").
  py::module_ errors = py::module_::import("switchboard._errors");
  Classes& c = classes();
  c.error = load_class(m, errors, "Error");
  c.validation = load_class(m, errors, "ValidationError");
  c.not_found = load_class(m, errors, "NotFound");
  c.store = load_class(m, errors, "StoreError");
  c.not_supported = load_class(m, errors, "NotSupported");
  c.parse = load_class(m, errors, "ParseError");
  c.http = load_class(m, errors, "HttpError");
  c.auth = load_class(m, errors, "AuthError");

  py::register_exception_translator([](std::exception_ptr p) {
    if (!p) return;
    const Classes& k = classes();
    try {
      std::rethrow_exception(p);
    } catch (const ValidationError& e) {
      raise(k.validation, e);
    } catch (const NotFound& e) {
      raise(k.not_found, e);
    } catch (const StoreError& e) {
      raise(k.store, e);
    } catch (const NotSupported& e) {
      raise(k.not_supported, e);
    } catch (const ParseError& e) {
      raise(k.parse, e, [&](py::object& inst) {
        inst.attr("position") = e.position() == ParseError::npos ? py::object(py::none())
                                                                 : py::object(py::int_(e.position()));
      });
    } catch (const HttpError& e) {
      raise(k.http, e, [&](py::object& inst) {
        inst.attr("status") = py::int_(e.status());
        inst.attr("api_code") = py::str(e.api_code());
        inst.attr("retry_after") = e.retry_after() < 0 ? py::object(py::none())
                                                       : py::object(py::float_(e.retry_after()));
      });
    } catch (const AuthError& e) {
      raise(k.auth, e);
    } catch (const Error& e) {
      raise(k.error, e);
    } catch (const Interrupted& e) {  // the Python exception that started it, as it was
      if (!restore_pending_interrupt()) PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
    }
  });
}

void rethrow_as_cpp(py::error_already_set& e, const std::string& where) {
  if (e.matches(PyExc_KeyboardInterrupt) || e.matches(PyExc_SystemExit) ||
      e.matches(PyExc_GeneratorExit)) {
    std::string what = where + " raised " + std::string(py::str(e.type().attr("__name__")));
    Py_XDECREF(t_pending_interrupt);
    t_pending_interrupt = e.value().inc_ref().ptr();
    throw Interrupted(what);
  }
  const Classes& k = classes();
  std::string message = py::str(e.value());
  auto code_of = [&](ErrorCode fallback) {
    if (py::hasattr(e.value(), "code"))
      return code_from_name(py::str(e.value().attr("code")), fallback);
    return fallback;
  };
  if (e.matches(k.validation)) throw ValidationError(message, code_of(ErrorCode::kValidation));
  if (e.matches(k.not_found)) throw NotFound(message, code_of(ErrorCode::kNotFound));
  if (e.matches(k.not_supported)) throw NotSupported(message);
  if (e.matches(k.parse)) throw ParseError(message);
  if (e.matches(k.auth)) throw AuthError(message, code_of(ErrorCode::kAuth));
  if (e.matches(k.http)) throw HttpError(message, 0, code_of(ErrorCode::kHttp));
  if (e.matches(k.store)) throw StoreError(code_of(ErrorCode::kBackend), message);
  if (e.matches(k.error)) throw Error(code_of(ErrorCode::kInternal), message);
  std::string type = py::str(e.type().attr("__name__"));
  throw StoreError(ErrorCode::kBackend, where + " raised " + type + ": " + message);
}

}  // namespace switchboard::python
