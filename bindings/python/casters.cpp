#include "casters.h"

#include <datetime.h>

namespace py = pybind11;

namespace switchboard::python {
namespace {

void ensure_datetime_api() {
  if (!PyDateTimeAPI) {
    PyDateTime_IMPORT;
    if (!PyDateTimeAPI) throw py::error_already_set();
  }
}

std::string type_name(py::handle h) { return py::str(py::type::handle_of(h).attr("__name__")); }

bool is_sequence(py::handle h) {
  return py::isinstance<py::list>(h) || py::isinstance<py::tuple>(h) ||
         py::isinstance<py::set>(h) || py::isinstance<py::frozenset>(h);
}

std::vector<Value> to_values(py::handle seq, const std::string& what) {
  std::vector<Value> out;
  for (py::handle item : seq) out.push_back(to_value(item, what));
  return out;
}

Filter make_filter(const std::string& field, py::handle op_obj, py::handle value) {
  if (!py::isinstance<py::str>(op_obj))
    throw ValidationError("filter on '" + field + "': the operator must be a string, got " +
                              type_name(op_obj),
                          ErrorCode::kInvalidArgument);
  std::string op = py::str(op_obj);
  if (is_sequence(value)) return Filter::make(field, op, to_values(value, "filter on " + field));
  return Filter::make(field, op, to_value(value, "filter on " + field));
}

}  // namespace

namespace {

// The items of an iterable (not str, bytes or dict); false when `src` is not iterable. Errors
// other than TypeError (KeyboardInterrupt in a generator) propagate.
template <typename Fn>
bool each_item(py::handle src, Fn&& fn) {
  if (py::isinstance<py::str>(src) || py::isinstance<py::bytes>(src) || py::isinstance<py::dict>(src))
    return false;
  py::iterator it;
  try {
    it = py::iter(src);
  } catch (py::error_already_set& e) {
    if (e.matches(PyExc_TypeError)) return false;
    throw;
  }
  for (; it != py::iterator::sentinel(); ++it)
    if (!fn(*it)) return false;
  return true;
}

}  // namespace

bool load_addresses(py::handle src, Addresses& out) {
  out.items.clear();
  if (src.is_none()) return true;
  if (py::isinstance<py::str>(src)) {
    out.items.push_back(src.cast<std::string>());
    return true;
  }
  return each_item(src, [&](py::handle item) {
    if (!py::isinstance<py::str>(item)) return false;
    out.items.push_back(item.cast<std::string>());
    return true;
  });
}

bool load_headers(py::handle src, Headers& out) {
  out.items.clear();
  if (src.is_none()) return true;
  if (py::isinstance<py::dict>(src)) {
    for (auto [name, value] : py::reinterpret_borrow<py::dict>(src)) {
      if (!py::isinstance<py::str>(name) || !py::isinstance<py::str>(value)) return false;
      out.items.emplace_back(name.cast<std::string>(), value.cast<std::string>());
    }
    return true;
  }
  return each_item(src, [&](py::handle pair) {
    if (!(py::isinstance<py::tuple>(pair) || py::isinstance<py::list>(pair)) || py::len(pair) != 2)
      return false;
    py::object name = pair[py::int_(0)], value = pair[py::int_(1)];
    if (!py::isinstance<py::str>(name) || !py::isinstance<py::str>(value)) return false;
    out.items.emplace_back(name.cast<std::string>(), value.cast<std::string>());
    return true;
  });
}

Value to_value(py::handle src, const std::string& what) {
  PyObject* o = src.ptr();
  if (o == Py_None) return Value();
  if (PyBool_Check(o)) return Value(o == Py_True);
  if (PyLong_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow) throw ValidationError(what + ": integer does not fit in 64 bits");
    if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
    return Value(static_cast<std::int64_t>(v));
  }
  if (PyFloat_Check(o)) return Value(PyFloat_AS_DOUBLE(o));
  if (PyUnicode_Check(o)) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(o, &size);
    if (!data) {
      PyErr_Clear();
      throw ValidationError(what + ": text is not valid Unicode");
    }
    return Value(std::string(data, static_cast<std::size_t>(size)));
  }
  ensure_datetime_api();
  if (PyDateTime_Check(o))  // Frappe's datetime text: "YYYY-MM-DD HH:MM:SS.ffffff"
    return Value(py::str(src.attr("strftime")("%Y-%m-%d %H:%M:%S.%f")).cast<std::string>());
  if (PyDate_Check(o) || PyTime_Check(o)) return Value(py::str(src.attr("isoformat")()).cast<std::string>());
  if (type_name(src) == "Decimal") return Value(PyFloat_AsDouble(src.ptr()));
  throw ValidationError(what + ": cannot store a " + type_name(src) +
                            " (use None, bool, int, float, str, date or datetime)",
                        ErrorCode::kInvalidArgument);
}

py::object from_value(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull: return py::none();
    case Value::Type::kInt: return py::int_(v.as_int());
    case Value::Type::kReal: return py::float_(v.as_real());
    case Value::Type::kText: {
      const std::string& s = v.as_text();
      PyObject* u = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
      if (!u) throw py::error_already_set();
      return py::reinterpret_steal<py::object>(u);
    }
  }
  return py::none();
}

Document to_document(py::handle src, const std::string& what) {
  if (!py::isinstance<py::dict>(src))
    throw ValidationError(what + " must be a dict, got " + type_name(src),
                          ErrorCode::kInvalidArgument);
  Document d;
  for (auto [key, value] : py::reinterpret_borrow<py::dict>(src)) {
    if (!py::isinstance<py::str>(key))
      throw ValidationError(what + ": field names must be strings, got " + type_name(key),
                            ErrorCode::kInvalidArgument);
    std::string field = py::str(key);
    if (is_sequence(value) || py::isinstance<py::dict>(value))
      throw ValidationError(what + ": field '" + field + "' holds a " + type_name(value) +
                                "; child rows are inserted with insert(doctype, {..., "
                                "'table_field': [{...}]})",
                            ErrorCode::kInvalidArgument);
    // Autoincrement doctypes name documents (and so their child rows' parent) by integers.
    if ((field == "name" || field == "parent") && PyLong_Check(value.ptr()) &&
        !PyBool_Check(value.ptr())) {
      d.set(field, Value(std::string(py::str(value))));
      continue;
    }
    d.set(field, to_value(value, "field '" + field + "'"));
  }
  return d;
}

py::dict from_document(const Document& d) {
  py::dict out;
  for (const auto& [k, v] : d) out[py::str(k)] = from_value(v);
  return out;
}

Filters to_filters(py::handle src) {
  Filters out;
  if (src.is_none()) return out;
  if (py::isinstance<py::dict>(src)) {
    for (auto [key, value] : py::reinterpret_borrow<py::dict>(src)) {
      std::string field = py::str(key);
      if ((py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) &&
          py::len(value) == 2 && py::isinstance<py::str>(value[py::int_(0)])) {
        out.push_back(make_filter(field, value[py::int_(0)], value[py::int_(1)]));
      } else if (is_sequence(value)) {
        throw ValidationError("filter on '" + field + "': a list must be [operator, value], "
                              "e.g. [\"in\", [\"Open\", \"Replied\"]]",
                              ErrorCode::kInvalidArgument);
      } else {
        out.emplace_back(field, to_value(value, "filter on " + field));
      }
    }
    return out;
  }
  if (py::isinstance<py::list>(src) || py::isinstance<py::tuple>(src)) {
    for (py::handle item : src) {
      if (!(py::isinstance<py::list>(item) || py::isinstance<py::tuple>(item)))
        throw ValidationError("each filter in a list must be [field, operator, value]",
                              ErrorCode::kInvalidArgument);
      py::sequence seq = py::reinterpret_borrow<py::sequence>(item);
      std::size_t n = py::len(seq);
      if (n != 3 && n != 4)
        throw ValidationError("each filter in a list must be [field, operator, value] or "
                              "[doctype, field, operator, value]",
                              ErrorCode::kInvalidArgument);
      std::size_t base = n - 3;
      out.push_back(make_filter(py::str(seq[base]), seq[base + 1], seq[base + 2]));
    }
    return out;
  }
  throw ValidationError("filters must be a dict, a list of [field, operator, value] or None; got " +
                            type_name(src),
                        ErrorCode::kInvalidArgument);
}

py::list from_filters(const Filters& filters) {
  py::list out;
  for (const auto& f : filters) {
    switch (f.op) {
      case Op::kIsSet: out.append(py::make_tuple(f.field, "is", "set")); break;
      case Op::kIsNotSet: out.append(py::make_tuple(f.field, "is", "not set")); break;
      case Op::kIn:
      case Op::kNotIn:
      case Op::kBetween: {
        py::list values;
        for (const auto& v : f.values) values.append(from_value(v));
        out.append(py::make_tuple(f.field, op_name(f.op), values));
        break;
      }
      default: out.append(py::make_tuple(f.field, op_name(f.op), from_value(f.value)));
    }
  }
  return out;
}

NewDocument to_new_document(py::handle src) {
  NewDocument out;
  for (auto [key, value] : py::reinterpret_borrow<py::dict>(src)) {
    if (!py::isinstance<py::str>(key))
      throw ValidationError("field names must be strings", ErrorCode::kInvalidArgument);
    std::string field = py::str(key);
    if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
      std::vector<Document> rows;
      for (py::handle row : value) rows.push_back(to_document(row, "row of '" + field + "'"));
      out.children.emplace_back(field, std::move(rows));
    } else {
      out.doc.set(field, to_value(value, "field '" + field + "'"));
    }
  }
  return out;
}

}  // namespace switchboard::python
