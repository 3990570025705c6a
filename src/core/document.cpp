#include "switchboard/document.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/text.h"
#include "switchboard/error.h"

namespace switchboard {
namespace {

const char* type_name(Value::Type t) {
  switch (t) {
    case Value::Type::kNull: return "null";
    case Value::Type::kInt: return "integer";
    case Value::Type::kReal: return "real";
    case Value::Type::kText: return "text";
  }
  return "?";
}

std::string real_to_text(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Inf" : "-Inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  std::string out(buf, res.ptr);
  // Like SQLite and Python, a real always shows it is one.
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

const Value& null_value() {
  static const Value kNull;
  return kNull;
}

}  // namespace

std::int64_t Value::as_int() const {
  if (!is_int()) throw ValidationError(std::string("expected an integer, got ") + type_name(type()));
  return std::get<1>(v_);
}

double Value::as_real() const {
  if (is_int()) return static_cast<double>(std::get<1>(v_));
  if (is_real()) return std::get<2>(v_);
  throw ValidationError(std::string("expected a number, got ") + type_name(type()));
}

const std::string& Value::as_text() const {
  if (!is_text()) throw ValidationError(std::string("expected text, got ") + type_name(type()));
  return std::get<3>(v_);
}

std::string Value::to_text() const {
  switch (type()) {
    case Type::kNull: return std::string();
    case Type::kInt: return std::to_string(std::get<1>(v_));
    case Type::kReal: return real_to_text(std::get<2>(v_));
    case Type::kText: return std::get<3>(v_);
  }
  return std::string();
}

int compare_values(const Value& a, const Value& b) noexcept {
  auto rank = [](const Value& v) {
    switch (v.type()) {
      case Value::Type::kNull: return 0;
      case Value::Type::kInt:
      case Value::Type::kReal: return 1;
      case Value::Type::kText: return 2;
    }
    return 0;
  };
  int ra = rank(a), rb = rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (ra == 0) return 0;
  if (ra == 1) {
    if (a.is_int() && b.is_int()) {
      auto x = a.as_int(), y = b.as_int();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    double x = a.as_real(), y = b.as_real();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  const std::string& x = a.as_text();
  const std::string& y = b.as_text();
  int c = std::memcmp(x.data(), y.data(), std::min(x.size(), y.size()));
  if (c != 0) return c < 0 ? -1 : 1;
  return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
}

Document::Document(std::initializer_list<FieldInit> fields) {
  // Sorts positions, then moves each field once into its final slot (no shifting of
  // already placed fields); on a repeated name the last one wins, as with set().
  const FieldInit* in = fields.begin();
  const std::size_t n = fields.size();
  std::uint32_t small[32];
  std::vector<std::uint32_t> large;
  std::uint32_t* order = small;
  if (n > 32) {
    large.resize(n);
    for (std::size_t i = 0; i < n; ++i) large[i] = static_cast<std::uint32_t>(i);
    std::stable_sort(large.begin(), large.end(), [&](std::uint32_t a, std::uint32_t b) {
      return text::bytes_less(in[a].name, in[b].name);
    });
    order = large.data();
  } else {
    for (std::size_t i = 0; i < n; ++i) {  // insertion sort: stable, no allocation
      std::size_t j = i;
      while (j > 0 && text::bytes_less(in[i].name, in[order[j - 1]].name)) {
        order[j] = order[j - 1];
        --j;
      }
      order[j] = static_cast<std::uint32_t>(i);
    }
  }
  fields_.reserve(n);
  for (std::size_t k = 0; k < n; ++k) {
    if (k + 1 < n && in[order[k + 1]].name == in[order[k]].name) continue;  // a later one wins
    const FieldInit& f = in[order[k]];
    fields_.emplace_back(std::move(f.name), std::move(f.value));
  }
}

Document::Document(std::vector<Field> fields) : fields_(std::move(fields)) {
  auto by_name = [](const Field& a, const Field& b) { return a.first < b.first; };
  if (std::is_sorted(fields_.begin(), fields_.end(), by_name)) {
    // Already in order: only repeated names (adjacent) need folding.
    if (std::adjacent_find(fields_.begin(), fields_.end(), [](const Field& a, const Field& b) {
          return a.first == b.first;
        }) == fields_.end())
      return;
  } else {
    std::stable_sort(fields_.begin(), fields_.end(), by_name);
  }
  // Keep the last of each run of equal names.
  std::size_t out = 0;
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    if (i + 1 < fields_.size() && fields_[i + 1].first == fields_[i].first) continue;
    if (out != i) fields_[out] = std::move(fields_[i]);
    ++out;
  }
  fields_.erase(fields_.begin() + static_cast<std::ptrdiff_t>(out), fields_.end());
}

std::vector<Document::Field>::iterator Document::lower_bound(std::string_view field) noexcept {
  return std::lower_bound(fields_.begin(), fields_.end(), field,
                          [](const Field& f, std::string_view k) { return text::bytes_less(f.first, k); });
}

std::vector<Document::Field>::const_iterator Document::lower_bound(
    std::string_view field) const noexcept {
  return std::lower_bound(fields_.begin(), fields_.end(), field,
                          [](const Field& f, std::string_view k) { return text::bytes_less(f.first, k); });
}

const Value* Document::find(std::string_view field) const noexcept {
  auto it = lower_bound(field);
  if (it != fields_.end() && it->first == field) return &it->second;
  return nullptr;
}

const Value& Document::get(std::string_view field) const noexcept {
  const Value* v = find(field);
  return v ? *v : null_value();
}

bool Document::has(std::string_view field) const noexcept {
  const Value* v = find(field);
  return v && !v->is_empty();
}

std::string Document::text(std::string_view field) const {
  const Value* v = find(field);
  return v ? v->to_text() : std::string();
}

std::int64_t Document::integer(std::string_view field, std::int64_t fallback) const noexcept {
  const Value* v = find(field);
  if (!v) return fallback;
  if (v->is_int()) return v->as_int();
  if (v->is_real()) return static_cast<std::int64_t>(v->as_real());
  if (v->is_text()) {
    const std::string& s = v->as_text();
    std::int64_t out = 0;
    auto res = std::from_chars(s.data(), s.data() + s.size(), out);
    if (res.ec == std::errc() && res.ptr == s.data() + s.size()) return out;
  }
  return fallback;
}

void Document::set(std::string_view field, Value value) {
  if (fields_.empty() || text::bytes_less(fields_.back().first, field)) {  // in order: no search
    fields_.emplace_back(std::string(field), std::move(value));
    return;
  }
  auto it = lower_bound(field);
  if (it != fields_.end() && it->first == field) {
    it->second = std::move(value);
  } else {
    fields_.emplace(it, std::string(field), std::move(value));
  }
}

Value& Document::operator[](std::string_view field) {
  auto it = lower_bound(field);
  if (it == fields_.end() || it->first != field) it = fields_.emplace(it, std::string(field), Value());
  return it->second;
}

bool Document::erase(std::string_view field) {
  auto it = lower_bound(field);
  if (it == fields_.end() || it->first != field) return false;
  fields_.erase(it);
  return true;
}

namespace {

// One merge pass of two sorted field lists; `theirs` wins on equal names. `take` copies or
// moves a field out of `theirs`.
template <typename Fields, typename Take>
std::vector<Document::Field> merged(std::vector<Document::Field>& ours, Fields& theirs, Take take) {
  std::vector<Document::Field> out;
  out.reserve(ours.size() + theirs.size());
  auto a = ours.begin();
  auto b = theirs.begin();
  while (a != ours.end() || b != theirs.end()) {
    if (b == theirs.end() || (a != ours.end() && text::bytes_less(a->first, b->first))) {
      out.push_back(std::move(*a++));
    } else {
      if (a != ours.end() && a->first == b->first) ++a;
      out.push_back(take(*b++));
    }
  }
  return out;
}

}  // namespace

void Document::merge(const Document& other) {
  if (other.size() <= 1) {  // a single set() is cheaper than rebuilding
    for (const auto& [k, v] : other) set(k, v);
    return;
  }
  fields_ = merged(fields_, other.fields_, [](const Field& f) { return f; });
}

void Document::merge(Document&& other) {
  // In place, from the back: no new buffer when the capacity suffices.
  std::size_t added = 0;
  for (const auto& f : other.fields_) {
    auto it = lower_bound(f.first);
    if (it == fields_.end() || it->first != f.first) ++added;
  }
  std::size_t i = fields_.size(), j = other.fields_.size(), k = i + added;
  fields_.resize(k);
  auto shift = [&] {  // ours[i-1] moves to its final slot k-1 (never onto itself)
    --i;
    --k;
    if (k != i) fields_[k] = std::move(fields_[i]);
  };
  while (j > 0) {
    Field& theirs = other.fields_[j - 1];
    if (i > 0 && text::bytes_less(theirs.first, fields_[i - 1].first)) {
      shift();
    } else if (i > 0 && fields_[i - 1].first == theirs.first) {
      fields_[i - 1].second = std::move(theirs.second);
      shift();
      --j;
    } else {
      fields_[--k] = std::move(theirs);
      --j;
    }
  }
}

void Document::fill_missing(const std::vector<Field>& defaults) {
  std::vector<Field> out;
  // Slack for what an insert adds next (derived fields, timestamps, name) without regrowing.
  out.reserve(fields_.size() + defaults.size() + 12);
  auto a = fields_.begin();
  auto b = defaults.begin();
  while (a != fields_.end() || b != defaults.end()) {
    if (b == defaults.end() || (a != fields_.end() && text::bytes_less(a->first, b->first))) {
      out.push_back(std::move(*a++));
    } else if (a == fields_.end() || text::bytes_less(b->first, a->first)) {
      out.push_back(*b++);
    } else {  // same field: keep ours unless null
      if (a->second.is_null()) a->second = b->second;
      out.push_back(std::move(*a++));
      ++b;
    }
  }
  fields_ = std::move(out);
}

void Document::append_sorted(std::string field, Value value) {
  assert(fields_.empty() || fields_.back().first < field);
  fields_.emplace_back(std::move(field), std::move(value));
}

}  // namespace switchboard
