// Small text helpers shared by src/email and src/routing (not public API).
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

namespace switchboard::email_detail {

/// ASCII whitespace: space, tab, CR, LF, FF, VT.
inline bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
/// Without leading and trailing ASCII whitespace.
std::string trim(std::string_view s);
/// ASCII letters lowercased, every other byte unchanged.
std::string lower_ascii(std::string_view s);
/// Case-insensitive (ASCII) equality.
bool iequals(std::string_view a, std::string_view b) noexcept;
/// Runs of ASCII whitespace become one space; trimmed.
std::string collapse_whitespace(std::string_view s);
/// `s` when it is valid UTF-8, else with invalid sequences replaced by U+FFFD.
std::string valid_utf8(std::string_view s);
/// Lowercased per Unicode (for comparing names and subjects).
std::string casefold(std::string_view s);
/// Whether s[pos, pos + len) is a whole word: no ASCII letter right before or after it.
bool word_at(std::string_view s, std::size_t pos, std::size_t len) noexcept;
/// Number of Unicode characters of valid UTF-8 text.
std::size_t utf8_length(std::string_view s) noexcept;

/// Parses `json` with `parser` (which owns the result) and returns its top-level object.
/// Throws ParseError naming `what` for bad JSON or anything but an object.
simdjson::dom::object parse_json_object(simdjson::dom::parser& parser, std::string_view json,
                                        const char* what);

}  // namespace switchboard::email_detail
