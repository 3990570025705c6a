// Internal JSON for every area: one library (nlohmann::json) reads and writes. Reading turns
// every kind of bad input (syntax, numbers out of range such as 1e400, nesting deeper than a
// limit, invalid UTF-8) into ParseError with the byte offset; writing never throws.
// Thread-safe: pure functions.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "switchboard/document.h"

namespace switchboard::json {

using Json = nlohmann::json;

/// Deepest nesting of arrays and objects a document may have.
constexpr std::size_t kMaxDepth = 64;

/// Parses `text`. Throws ParseError ("<what> is not valid JSON at byte N: ...") for anything
/// that is not one JSON value nested at most `max_depth` deep.
Json parse(std::string_view text, std::string_view what, std::size_t max_depth = kMaxDepth);
/// parse(), and ParseError("<what> must be a JSON object") unless the value is an object.
Json parse_object(std::string_view text, std::string_view what,
                   std::size_t max_depth = kMaxDepth);
/// Compact JSON text of `v`; invalid UTF-8 in strings is replaced by U+FFFD.
std::string dump(const Json& v);
/// Compact JSON text of an insertion-ordered value.
std::string dump(const nlohmann::ordered_json& v);

/// A document value as JSON: null, integer, number or string.
Json from_value(const Value& v);
/// A document as a JSON object of its fields.
Json from_document(const Document& d);

/// A scalar as text: strings as they are, integers in decimal, whole doubles without a
/// fraction, other doubles in their shortest form, booleans as "true"/"false"; "" for null
/// and containers.
std::string scalar_text(const Json& v);

}  // namespace switchboard::json
