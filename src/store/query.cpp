#include "switchboard/query.h"

#include <algorithm>
#include <cctype>

#include "core/text.h"
#include "switchboard/error.h"

namespace switchboard {
namespace {

// Operators and their keywords ("set", "not set") as spelled in a filter: trimmed, ASCII
// lowercase, inner runs of whitespace as one space. Without allocating: anything longer than
// the buffer is none of them, and `fits` is false.
struct Spelling {
  explicit Spelling(std::string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    bool prev_space = false;
    for (std::size_t i = b; i < e; ++i) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      const bool space = std::isspace(c) != 0;
      if (space && prev_space) continue;
      prev_space = space;
      if (n == sizeof buf) {
        fits = false;
        return;
      }
      buf[n++] = space ? ' ' : static_cast<char>(std::tolower(c));
    }
  }
  bool operator==(std::string_view word) const { return fits && std::string_view(buf, n) == word; }
  char buf[16];
  std::size_t n = 0;
  bool fits = true;
};

unsigned char ascii_fold(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : c;
}

Value null_as_empty(const Value& v) { return v.is_null() ? Value(std::string()) : v; }

}  // namespace

Op parse_op(std::string_view op) {
  const Spelling o(op);
  if (o == "=" || o == "==") return Op::kEq;
  if (o == "!=" || o == "<>") return Op::kNe;
  if (o == "<") return Op::kLt;
  if (o == "<=") return Op::kLe;
  if (o == ">") return Op::kGt;
  if (o == ">=") return Op::kGe;
  if (o == "in") return Op::kIn;
  if (o == "not in") return Op::kNotIn;
  if (o == "like") return Op::kLike;
  if (o == "not like") return Op::kNotLike;
  if (o == "between") return Op::kBetween;
  if (o == "is" || o == "is set") return Op::kIsSet;
  if (o == "is not set") return Op::kIsNotSet;
  throw ValidationError("unknown filter operator '" + std::string(op) + "'",
                        ErrorCode::kInvalidArgument);
}

const char* op_name(Op op) noexcept {
  switch (op) {
    case Op::kEq: return "=";
    case Op::kNe: return "!=";
    case Op::kLt: return "<";
    case Op::kLe: return "<=";
    case Op::kGt: return ">";
    case Op::kGe: return ">=";
    case Op::kIn: return "in";
    case Op::kNotIn: return "not in";
    case Op::kLike: return "like";
    case Op::kNotLike: return "not like";
    case Op::kIsSet:
    case Op::kIsNotSet: return "is";
    case Op::kBetween: return "between";
  }
  return "=";
}

Filter Filter::make(std::string field, std::string_view op, Value value) {
  Op o = parse_op(op);
  if (o == Op::kIsSet && Spelling(op) == "is") {
    const Spelling v(value.is_text() ? std::string_view(value.as_text())
                                     : std::string_view(value.to_text()));
    if (v == "set") return Filter(std::move(field), Op::kIsSet, Value());
    if (v == "not set") return Filter(std::move(field), Op::kIsNotSet, Value());
    throw ValidationError("filter '" + field + " is ...' needs \"set\" or \"not set\"",
                          ErrorCode::kInvalidArgument);
  }
  if (o == Op::kIn || o == Op::kNotIn || o == Op::kBetween) {
    return Filter(std::move(field), o, std::vector<Value>{std::move(value)});
  }
  return Filter(std::move(field), o, std::move(value));
}

Filter Filter::make(std::string field, std::string_view op, std::vector<Value> values) {
  Op o = parse_op(op);
  if (o != Op::kIn && o != Op::kNotIn && o != Op::kBetween) {
    throw ValidationError("operator '" + std::string(op) + "' on field '" + field +
                              "' takes one value, not a list",
                          ErrorCode::kInvalidArgument);
  }
  return Filter(std::move(field), o, std::move(values));
}

std::vector<OrderTerm> parse_order_by(std::string_view order_by) {
  // Called for every query (by the facade and again by SQL backends): views, no temporaries.
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  std::vector<OrderTerm> terms;
  if (std::all_of(order_by.begin(), order_by.end(), space)) return terms;
  auto bad = [&](const std::string& why) {
    return ValidationError("bad order_by '" + std::string(order_by) + "': " + why,
                           ErrorCode::kInvalidArgument);
  };
  auto is_word = [](std::string_view w, std::string_view lower) {
    if (w.size() != lower.size()) return false;
    for (std::size_t i = 0; i < w.size(); ++i)
      if (ascii_fold(static_cast<unsigned char>(w[i])) != static_cast<unsigned char>(lower[i]))
        return false;
    return true;
  };
  terms.reserve(static_cast<std::size_t>(std::count(order_by.begin(), order_by.end(), ',')) + 1);
  std::size_t pos = 0;
  while (true) {
    std::size_t comma = std::min(order_by.find(',', pos), order_by.size());
    std::string_view term = order_by.substr(pos, comma - pos);
    std::string_view words[3];
    std::size_t n = 0;
    std::size_t i = 0;
    while (i < term.size() && n < 3) {
      while (i < term.size() && space(term[i])) ++i;
      std::size_t start = i;
      while (i < term.size() && !space(term[i])) ++i;
      if (i > start) words[n++] = term.substr(start, i - start);
    }
    if (n == 0 || n > 2) throw bad("expected 'field [asc|desc]' terms");
    if (!is_valid_field_name(words[0]))
      throw bad("'" + std::string(words[0]) + "' is not a field name");
    OrderTerm t;
    t.field = std::string(words[0]);
    if (n == 2) {
      if (is_word(words[1], "desc")) t.descending = true;
      else if (!is_word(words[1], "asc")) throw bad("direction must be asc or desc");
    }
    terms.push_back(std::move(t));
    if (comma == order_by.size()) break;
    pos = comma + 1;
  }
  return terms;
}

bool is_valid_field_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 64) return false;
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!letter(name[0])) return false;
  for (char c : name)
    if (!letter(c) && !(c >= '0' && c <= '9')) return false;
  return true;
}

bool like_matches(std::string_view text, std::string_view pattern) noexcept {
  // Iterative wildcard match with one backtrack point for the last '%'.
  std::size_t t = 0, p = 0;
  std::size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '%') {
      while (p < pattern.size() && pattern[p] == '%') ++p;
      if (p == pattern.size()) return true;
      star_p = p;
      star_t = t;
      continue;
    }
    if (p < pattern.size() && pattern[p] == '_') {
      t += switchboard::text::utf8_sequence_length(static_cast<unsigned char>(text[t]));
      ++p;
      continue;
    }
    if (p < pattern.size() && ascii_fold(static_cast<unsigned char>(pattern[p])) ==
                                  ascii_fold(static_cast<unsigned char>(text[t]))) {
      ++t;
      ++p;
      continue;
    }
    if (star_p == std::string_view::npos) return false;
    // Backtrack: let the last '%' swallow one more character.
    star_t += switchboard::text::utf8_sequence_length(static_cast<unsigned char>(text[star_t]));
    t = star_t;
    p = star_p;
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

bool filter_matches(const Filter& f, const Document& doc) {
  const Value& v = doc.get(f.field);
  switch (f.op) {
    case Op::kEq:
      if (f.value.is_null()) return v.is_null();
      return !v.is_null() && compare_values(v, f.value) == 0;
    case Op::kNe:
      if (f.value.is_null()) return !v.is_null();
      return compare_values(null_as_empty(v), f.value) != 0;
    case Op::kLt: return !v.is_null() && compare_values(v, f.value) < 0;
    case Op::kLe: return !v.is_null() && compare_values(v, f.value) <= 0;
    case Op::kGt: return !v.is_null() && compare_values(v, f.value) > 0;
    case Op::kGe: return !v.is_null() && compare_values(v, f.value) >= 0;
    case Op::kIn:
      if (v.is_null()) return false;
      return std::any_of(f.values.begin(), f.values.end(),
                         [&](const Value& x) { return compare_values(v, x) == 0; });
    case Op::kNotIn: {
      Value w = null_as_empty(v);
      return std::none_of(f.values.begin(), f.values.end(),
                          [&](const Value& x) { return compare_values(w, x) == 0; });
    }
    case Op::kLike: return !v.is_null() && like_matches(v.to_text(), f.value.to_text());
    case Op::kNotLike: return !like_matches(v.to_text(), f.value.to_text());
    case Op::kIsSet: return !v.is_empty();
    case Op::kIsNotSet: return v.is_empty();
    case Op::kBetween:
      if (v.is_null() || f.values.size() != 2) return false;
      return compare_values(v, f.values[0]) >= 0 && compare_values(v, f.values[1]) <= 0;
  }
  return false;
}

bool filters_match(const Filters& filters, const Document& doc) {
  for (const auto& f : filters)
    if (!filter_matches(f, doc)) return false;
  return true;
}

}  // namespace switchboard
