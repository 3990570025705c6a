// The email area's names for the shared text rules of src/core/text.h (not public API).
// The router still spells them email_detail::...; new code uses text:: directly.
#pragma once

#include <string>
#include <string_view>

#include "core/text.h"

namespace switchboard::email_detail {

using text::casefold;
using text::iequals;
using text::is_space;
using text::lower_ascii;
using text::trim;
using text::utf8_length;
using text::valid_utf8;
using text::word_at;
/// Runs of ASCII whitespace become one space; trimmed (text::collapse_spaces).
inline std::string collapse_whitespace(std::string_view s) { return text::collapse_spaces(s); }

}  // namespace switchboard::email_detail
