// JSON reading and writing (see json.h) on nlohmann::json.
#include "core/json.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <vector>

#include "switchboard/error.h"

namespace switchboard::json {
namespace {

// Depth of the deepest array/object, scanning bytes outside strings; stops counting once past
// `limit` (the answer is then limit + 1). Runs before parsing so that hostile nesting never
// reaches the parser's stack or the recursive destructor and dump.
std::size_t nesting(std::string_view s, std::size_t limit, std::size_t& at) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) {
        at = i;
        return deepest;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// Finds where the parser stops, without building a document and without throwing: a number
// out of range (1e400), like a syntax error, is only a position here.
struct ErrorLocator {
  std::size_t position = ParseError::npos;
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(std::int64_t) { return true; }
  bool number_unsigned(std::uint64_t) { return true; }
  bool number_float(double, const std::string&) { return true; }
  bool string(std::string&) { return true; }
  bool binary(std::vector<std::uint8_t>&) { return true; }
  bool start_object(std::size_t) { return true; }
  bool key(std::string&) { return true; }
  bool end_object() { return true; }
  bool start_array(std::size_t) { return true; }
  bool end_array() { return true; }
  bool parse_error(std::size_t byte, const std::string&, const nlohmann::detail::exception&) {
    position = byte > 0 ? byte - 1 : 0;
    return false;
  }
};

[[noreturn]] void fail(std::string_view what, std::size_t position, const std::string& why) {
  std::string where = position == ParseError::npos ? "" : " at byte " + std::to_string(position);
  throw ParseError(std::string(what) + " is not valid JSON" + where + ": " + why, position);
}

}  // namespace

Json parse(std::string_view text, std::string_view what, std::size_t max_depth) {
  std::size_t at = ParseError::npos;
  if (nesting(text, max_depth, at) > max_depth)
    fail(what, at, "nested deeper than " + std::to_string(max_depth) + " levels");
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    std::size_t byte = e.byte > 0 ? e.byte - 1 : 0;
    std::string why = e.what();
    auto colon = why.rfind(": ");  // drop nlohmann's "[json.exception.parse_error.101] ..."
    fail(what, byte, colon == std::string::npos ? why : why.substr(colon + 2));
  } catch (const nlohmann::json::exception& e) {  // out_of_range (1e400) and the like
    ErrorLocator locator;
    nlohmann::json::sax_parse(text.begin(), text.end(), &locator);
    std::string why = e.what();
    auto colon = why.rfind("] ");
    fail(what, locator.position, colon == std::string::npos ? why : why.substr(colon + 2));
  }
}

Json parse_object(std::string_view text, std::string_view what, std::size_t max_depth) {
  Json v = parse(text, what, max_depth);
  if (!v.is_object()) throw ParseError(std::string(what) + " must be a JSON object", 0);
  return v;
}

std::string dump(const Json& v) {
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string dump(const nlohmann::ordered_json& v) {
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Json from_value(const Value& v) {
  switch (v.type()) {
    case Value::Type::kInt: return v.as_int();
    case Value::Type::kReal: return v.as_real();
    case Value::Type::kText: return v.as_text();
    case Value::Type::kNull: break;
  }
  return nullptr;
}

Json from_document(const Document& d) {
  Json out = Json::object();
  for (const auto& [field, value] : d) out[field] = from_value(value);
  return out;
}

std::string scalar_text(const Json& v) {
  switch (v.type()) {
    case Json::value_t::string: return v.get_ref<const std::string&>();
    case Json::value_t::number_integer: return std::to_string(v.get<std::int64_t>());
    case Json::value_t::number_unsigned: return std::to_string(v.get<std::uint64_t>());
    case Json::value_t::number_float: {
      double d = v.get<double>();
      if (std::isfinite(d) && std::trunc(d) == d && std::abs(d) < 9e15)
        return std::to_string(static_cast<std::int64_t>(d));
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      return std::string(buf, r.ptr);
    }
    case Json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    default: return {};
  }
}

}  // namespace switchboard::json
