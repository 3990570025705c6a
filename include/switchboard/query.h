// switchboard: Frappe-style filters and queries, shared by every Store backend.
// Plain value types: one thread at a time per object.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/document.h"
#include "switchboard/export.h"

namespace switchboard {

/// Filter operators, with Frappe's semantics on every backend:
///  - kEq: equal (`= null` matches null); kNe: differs, a null field counts as "" (Frappe's
///    `ifnull(field, '') != value`); kLt..kGe: null never matches;
///  - kIn / kNotIn: list membership (not-in treats null as ""); an empty list matches nothing /
///    everything;
///  - kLike / kNotLike: SQL LIKE, `%` and `_`, case-insensitive for ASCII; not-like treats null
///    as "";
///  - kIsSet / kIsNotSet: neither null nor "" / null or "" (Frappe's `is set` / `is not set`);
///  - kBetween: inclusive range of two values.
/// Text comparisons are bytewise (SQLite BINARY collation); numbers compare numerically.
enum class Op { kEq, kNe, kLt, kLe, kGt, kGe, kIn, kNotIn, kLike, kNotLike, kIsSet, kIsNotSet, kBetween };

/// Parses "=", "!=", "<>", "<", "<=", ">", ">=", "in", "not in", "like", "not like", "between",
/// "is" (needs the value "set" / "not set"; see Filter) — case-insensitive. Throws
/// ValidationError for anything else.
SWITCHBOARD_EXPORT Op parse_op(std::string_view op);
/// The canonical spelling of an operator ("=", "not in", "is", ...).
SWITCHBOARD_EXPORT const char* op_name(Op op) noexcept;

/// One condition `field op value`. `values` holds the list for in / not in / between.
struct SWITCHBOARD_EXPORT Filter {
  std::string field;
  Op op = Op::kEq;
  Value value;
  std::vector<Value> values;

  Filter() = default;
  /// field = value
  Filter(std::string f, Value v) : field(std::move(f)), op(Op::kEq), value(std::move(v)) {}
  /// field op value; for kIsSet / kIsNotSet the value is ignored.
  Filter(std::string f, Op o, Value v) : field(std::move(f)), op(o), value(std::move(v)) {}
  /// field op [values...] for kIn, kNotIn and kBetween.
  Filter(std::string f, Op o, std::vector<Value> vs)
      : field(std::move(f)), op(o), values(std::move(vs)) {}
  /// Frappe spelling: ("status", "in", {"Open", "Replied"}) or ("phone", "is", "set").
  static Filter make(std::string field, std::string_view op, Value value);
  static Filter make(std::string field, std::string_view op, std::vector<Value> values);
};

using Filters = std::vector<Filter>;

/// What `Store::find` returns: filters (all must hold), the fields to return (empty: every
/// field), an order ("creation desc, name"), and an optional limit / offset.
struct SWITCHBOARD_EXPORT Query {
  Filters filters;
  std::vector<std::string> fields;
  std::string order_by;
  std::optional<std::int64_t> limit;
  std::int64_t offset = 0;

  /// One element of a braced filter list (a Filter, or a Filter's arguments): the Query moves
  /// it in instead of copying it (elements of an initializer_list are const).
  struct FilterInit {
    FilterInit(Filter f) noexcept : filter(std::move(f)) {}  // NOLINT(google-explicit-constructor)
    FilterInit(std::string f, Value v) : filter(std::move(f), std::move(v)) {}
    FilterInit(std::string f, Op o, Value v) : filter(std::move(f), o, std::move(v)) {}
    FilterInit(std::string f, Op o, std::vector<Value> vs) : filter(std::move(f), o, std::move(vs)) {}
    mutable Filter filter;
  };

  Query() = default;
  Query(Filters f) : filters(std::move(f)) {}  // NOLINT(google-explicit-constructor)
  Query(std::initializer_list<FilterInit> f) {  // NOLINT(google-explicit-constructor)
    filters.reserve(f.size());
    for (const FilterInit& x : f) filters.push_back(std::move(x.filter));
  }
  Query& where(Filter f) { filters.push_back(std::move(f)); return *this; }
  Query& select(std::vector<std::string> f) { fields = std::move(f); return *this; }
  Query& order(std::string o) { order_by = std::move(o); return *this; }
  Query& take(std::int64_t n) { limit = n; return *this; }
  Query& skip(std::int64_t n) { offset = n; return *this; }
};

/// One ORDER BY term.
struct OrderTerm {
  std::string field;
  bool descending = false;
};

/// Parses "creation desc, name asc" into terms; throws ValidationError on anything that is not
/// a list of field names with optional asc/desc.
SWITCHBOARD_EXPORT std::vector<OrderTerm> parse_order_by(std::string_view order_by);

/// True when `name` is a valid field name: [A-Za-z_][A-Za-z0-9_]*, at most 64 characters.
SWITCHBOARD_EXPORT bool is_valid_field_name(std::string_view name) noexcept;

/// Evaluates one filter against a document with exactly the semantics every backend must
/// have (the reference semantics of the contract suite). A missing field counts as null.
SWITCHBOARD_EXPORT bool filter_matches(const Filter& filter, const Document& doc);
/// True when every filter matches.
SWITCHBOARD_EXPORT bool filters_match(const Filters& filters, const Document& doc);
/// SQL LIKE as SQLite does it: `%` any run, `_` one character (UTF-8 code point),
/// ASCII letters case-insensitive.
SWITCHBOARD_EXPORT bool like_matches(std::string_view text, std::string_view pattern) noexcept;

}  // namespace switchboard
