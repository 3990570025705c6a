// Python <-> C++ conversions for switchboard's value types. Casters run while the GIL is held
// (before a bound call releases it and after it takes it back), so C++ work never needs it.
//   Value     <-> None | bool | int | float | str  (datetime/date/time/Decimal accepted in)
//   Document  <-> dict[str, Value]
//   Filters   <-  dict {field: value | [op, value]} or list of [field, op, value]
//                 ([doctype, field, op, value] too, as Frappe allows);  -> list of tuples
//   NewDocument <- dict whose list values are child rows ({"email_ids": [{...}, ...]})
//   Name      <-  str | int  (a record name; integers, as autoincrement doctypes have, become
//                 their decimal text; so do integer "name" and "parent" values of documents)
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "switchboard/document.h"
#include "switchboard/email.h"
#include "switchboard/error.h"
#include "switchboard/query.h"
#include "switchboard/store.h"

namespace switchboard::python {

/// Addresses or ids given loosely: None, one str (an address list as written), or an
/// iterable of str.
struct Addresses {
  std::vector<std::string> items;
};
/// Header fields: a dict {name: value} or an iterable of (name, value) pairs, all str.
struct Headers {
  std::vector<HeaderField> items;
};
bool load_addresses(pybind11::handle src, Addresses& out);
bool load_headers(pybind11::handle src, Headers& out);

/// A parent document and its child rows, as one Python dict.
struct NewDocument {
  Document doc;
  ChildRows children;
};

/// A record's name as Python code may hold it: text, or an integer for doctypes Frappe names by
/// autoincrement (HD Ticket on Helpdesk up to 1.24). Names are text everywhere in C++.
struct Name {
  std::string value;
};

/// Converts one Python value; throws ValidationError (-> sb.ValidationError) naming `what`.
/// The casters below return false when an argument has the wrong Python type (a list where a
/// dict is wanted, bytes where a value is wanted), so pybind11 raises its TypeError naming the
/// argument; inside an argument of the right type (a dict), a bad field value still raises
/// ValidationError naming the field.
Value to_value(pybind11::handle src, const std::string& what);
pybind11::object from_value(const Value& v);
Document to_document(pybind11::handle src, const std::string& what);
pybind11::dict from_document(const Document& d);
Filters to_filters(pybind11::handle src);
pybind11::list from_filters(const Filters& filters);
NewDocument to_new_document(pybind11::handle src);

/// out = convert(); false when the conversion rejects the value with a switchboard::Error
/// (Python errors such as KeyboardInterrupt propagate).
template <typename T, typename Fn>
bool try_load(T& out, Fn&& convert) {
  try {
    out = convert();
    return true;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace switchboard::python

namespace pybind11::detail {

template <>
struct type_caster<switchboard::Value> {
  PYBIND11_TYPE_CASTER(switchboard::Value, const_name("None | int | float | str"));
  bool load(handle src, bool) {
    return switchboard::python::try_load(value, [&] { return switchboard::python::to_value(src, "value"); });
  }
  static handle cast(const switchboard::Value& v, return_value_policy, handle) {
    return switchboard::python::from_value(v).release();
  }
};

template <>
struct type_caster<switchboard::Document> {
  PYBIND11_TYPE_CASTER(switchboard::Document, const_name("dict[str, None | int | float | str]"));
  bool load(handle src, bool) {
    if (!isinstance<dict>(src)) return false;
    value = switchboard::python::to_document(src, "document");
    return true;
  }
  static handle cast(const switchboard::Document& d, return_value_policy, handle) {
    return switchboard::python::from_document(d).release();
  }
};

template <>
struct type_caster<switchboard::Filters> {
  PYBIND11_TYPE_CASTER(switchboard::Filters, const_name("dict | list | None"));
  bool load(handle src, bool) {
    if (!src.is_none() && !isinstance<dict>(src) && !isinstance<list>(src) && !isinstance<tuple>(src))
      return false;
    value = switchboard::python::to_filters(src);
    return true;
  }
  static handle cast(const switchboard::Filters& f, return_value_policy, handle) {
    return switchboard::python::from_filters(f).release();
  }
};

template <>
struct type_caster<switchboard::python::NewDocument> {
  PYBIND11_TYPE_CASTER(switchboard::python::NewDocument, const_name("dict[str, Any]"));
  bool load(handle src, bool) {
    if (!isinstance<dict>(src)) return false;
    value = switchboard::python::to_new_document(src);
    return true;
  }
};

template <>
struct type_caster<switchboard::python::Addresses> {
  PYBIND11_TYPE_CASTER(switchboard::python::Addresses, const_name("str | Iterable[str] | None"));
  bool load(handle src, bool) { return switchboard::python::load_addresses(src, value); }
};

template <>
struct type_caster<switchboard::python::Headers> {
  PYBIND11_TYPE_CASTER(switchboard::python::Headers,
                       const_name("dict[str, str] | Iterable[tuple[str, str]] | None"));
  bool load(handle src, bool) { return switchboard::python::load_headers(src, value); }
};

template <>
struct type_caster<switchboard::python::Name> {
  PYBIND11_TYPE_CASTER(switchboard::python::Name, const_name("str | int"));
  bool load(handle src, bool) {
    if (isinstance<str>(src)) {
      value.value = src.cast<std::string>();
      return true;
    }
    if (PyLong_Check(src.ptr()) && !PyBool_Check(src.ptr())) {
      value.value = str(src).cast<std::string>();
      return true;
    }
    return false;
  }
  static handle cast(const switchboard::python::Name& n, return_value_policy, handle) {
    return str(n.value).release();
  }
};

}  // namespace pybind11::detail
