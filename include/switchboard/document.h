// switchboard: Frappe-shaped field values and documents.
// Value and Document are regular value types: one thread at a time per object.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "switchboard/export.h"

namespace switchboard {

/// One field value: null, 64-bit integer, double or UTF-8 text, as in a Frappe row.
class SWITCHBOARD_EXPORT Value {
 public:
  enum class Type { kNull, kInt, kReal, kText };

  Value() noexcept = default;
  Value(std::nullptr_t) noexcept {}  // NOLINT(google-explicit-constructor)
  Value(bool b) noexcept : v_(static_cast<std::int64_t>(b ? 1 : 0)) {}  // NOLINT
  template <typename T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Value(T i) noexcept : v_(static_cast<std::int64_t>(i)) {}  // NOLINT
  Value(double d) noexcept : v_(d) {}                       // NOLINT
  Value(std::string s) noexcept : v_(std::move(s)) {}       // NOLINT
  Value(std::string_view s) : v_(std::string(s)) {}         // NOLINT
  Value(const char* s) : v_(std::string(s)) {}              // NOLINT

  Type type() const noexcept { return static_cast<Type>(v_.index()); }
  bool is_null() const noexcept { return v_.index() == 0; }
  bool is_int() const noexcept { return v_.index() == 1; }
  bool is_real() const noexcept { return v_.index() == 2; }
  bool is_text() const noexcept { return v_.index() == 3; }
  bool is_number() const noexcept { return is_int() || is_real(); }

  /// The integer; throws ValidationError unless the value is an integer.
  std::int64_t as_int() const;
  /// The number as double; throws ValidationError unless int or real.
  double as_real() const;
  /// The text; throws ValidationError unless the value is text.
  const std::string& as_text() const;
  /// Any value as text: null is "", numbers in their shortest exact decimal form.
  std::string to_text() const;
  /// True for null and for the empty string (Frappe's "not set").
  bool is_empty() const noexcept { return is_null() || (is_text() && std::get<3>(v_).empty()); }

  friend bool operator==(const Value& a, const Value& b) noexcept { return a.v_ == b.v_; }
  friend bool operator!=(const Value& a, const Value& b) noexcept { return !(a == b); }

 private:
  std::variant<std::monostate, std::int64_t, double, std::string> v_;
};

/// Orders values as SQLite does: null < numbers (int and real compared numerically) < text
/// (bytewise). Returns <0, 0 or >0.
SWITCHBOARD_EXPORT int compare_values(const Value& a, const Value& b) noexcept;

/// A document: a flat map from field name to Value, exactly like one Frappe row.
/// Fields are kept sorted by name; iteration yields (name, value) pairs in that order.
class SWITCHBOARD_EXPORT Document {
 public:
  using Field = std::pair<std::string, Value>;
  using const_iterator = std::vector<Field>::const_iterator;

  /// One element of a braced field list, {"name", value}: the Document moves its name and
  /// value out instead of copying them (elements of an initializer_list are const).
  struct FieldInit {
    FieldInit(std::string n, Value v) noexcept : name(std::move(n)), value(std::move(v)) {}
    FieldInit(const Field& f) : name(f.first), value(f.second) {}                 // NOLINT
    FieldInit(Field&& f) noexcept : name(std::move(f.first)), value(std::move(f.second)) {}  // NOLINT
    mutable std::string name;
    mutable Value value;
  };

  Document() = default;
  /// Document{{"subject", s}, {"status", "Open"}}; on a repeated name the last one wins.
  Document(std::initializer_list<FieldInit> fields);
  /// Takes the fields in any order (sorted once, moved); on a repeated name the last one wins.
  explicit Document(std::vector<Field> fields);

  /// The value of `field`, or nullptr when the document has no such field.
  const Value* find(std::string_view field) const noexcept;
  /// The value of `field`; a null Value when absent.
  const Value& get(std::string_view field) const noexcept;
  /// True when the field is present (even if null).
  bool contains(std::string_view field) const noexcept { return find(field) != nullptr; }
  /// True when the field is present and neither null nor "".
  bool has(std::string_view field) const noexcept;
  /// The field as text ("" when absent or null).
  std::string text(std::string_view field) const;
  /// The field as integer; `fallback` when absent, null or not numeric text.
  std::int64_t integer(std::string_view field, std::int64_t fallback = 0) const noexcept;
  /// The document's `name` field as text.
  std::string name() const { return text("name"); }

  /// Sets a field, replacing any previous value.
  void set(std::string_view field, Value value);
  /// The value slot for `field`, inserting a null one when absent.
  Value& operator[](std::string_view field);
  /// Removes a field; returns whether it was present.
  bool erase(std::string_view field);
  /// Copies every field of `other` into this document (other's values win), in one pass.
  void merge(const Document& other);
  /// The same, moving other's values.
  void merge(Document&& other);

  std::size_t size() const noexcept { return fields_.size(); }
  bool empty() const noexcept { return fields_.empty(); }
  void clear() noexcept { fields_.clear(); }
  void reserve(std::size_t n) { fields_.reserve(n); }
  const_iterator begin() const noexcept { return fields_.begin(); }
  const_iterator end() const noexcept { return fields_.end(); }

  /// Calls fn(name, value&) on every field, in order; fn may change values, not names.
  template <typename Fn>
  void for_each_value(Fn&& fn) {
    for (auto& f : fields_) fn(static_cast<const std::string&>(f.first), f.second);
  }
  /// Sets every field of `defaults` (sorted by name, unique) that is absent or null here,
  /// in one merge pass.
  void fill_missing(const std::vector<Field>& defaults);

  /// Appends a field known to sort after every present field (bulk building); no check in
  /// release builds beyond an ordering assertion.
  void append_sorted(std::string field, Value value);

  friend bool operator==(const Document& a, const Document& b) noexcept {
    return a.fields_ == b.fields_;
  }
  friend bool operator!=(const Document& a, const Document& b) noexcept { return !(a == b); }

 private:
  std::vector<Field>::iterator lower_bound(std::string_view field) noexcept;
  std::vector<Field>::const_iterator lower_bound(std::string_view field) const noexcept;
  std::vector<Field> fields_;
};

}  // namespace switchboard
