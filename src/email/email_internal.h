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
/// Whether `subject` opens as a forward: its first prefix (after leading "[TAG]"s) is a forward
/// prefix (Fwd, FW, WG, TR, RV, ENC, VB, VL, Doorst, пересл, 转发, 転送, ...), or it is a
/// "[Fwd: ...]" wrapper or ends in "(fwd)" (src/email/text.cpp, with normalize_subject's list).
bool is_forward_subject(std::string_view subject);

}  // namespace switchboard::email_detail
