// Internal text rules every area shares: whitespace, case, UTF-8 validity and length,
// truncation on characters, percent-encoding and the cleaning of text that becomes a field.
// Thread-safe: pure functions. GLib supplies the Unicode tables.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace switchboard::text {

/// ASCII whitespace: space, tab, CR, LF, FF, VT.
inline bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
/// a < b bytewise (as std::string orders), deciding on the first byte without a memcmp call
/// when it differs: the comparison of field names in sorted documents and columns.
inline bool bytes_less(std::string_view a, std::string_view b) noexcept {
  if (!a.empty() && !b.empty() && a[0] != b[0])
    return static_cast<unsigned char>(a[0]) < static_cast<unsigned char>(b[0]);
  return a < b;
}
/// Without leading and trailing ASCII whitespace.
std::string trim(std::string_view s);
/// The same, as a view into `s`.
std::string_view trim_view(std::string_view s) noexcept;
/// Trimmed; every run of ASCII whitespace inside becomes one space.
std::string collapse_spaces(std::string_view s);
/// ASCII letters lowercased, every other byte unchanged (locale-independent).
std::string lower_ascii(std::string_view s);
/// ASCII letters uppercased, every other byte unchanged (locale-independent).
std::string upper_ascii(std::string_view s);
/// Case-insensitive (ASCII) equality.
bool iequals(std::string_view a, std::string_view b) noexcept;
/// Whether s[pos, pos + len) is a whole word: no ASCII letter right before or after it.
bool word_at(std::string_view s, std::size_t pos, std::size_t len) noexcept;
/// Whether one of `words` occurs in `s` as a whole word (word_at); case-sensitive, so pass
/// both lowercased. Empty words never match.
template <typename Words>
bool contains_word(std::string_view s, const Words& words) noexcept {
  for (std::string_view w : words) {
    if (w.empty()) continue;
    for (std::size_t pos = s.find(w); pos != std::string_view::npos; pos = s.find(w, pos + 1))
      if (word_at(s, pos, w.size())) return true;
  }
  return false;
}
/// Whether the domain `domain` is `parent` or a subdomain of it (both already lowercased);
/// false for an empty parent.
bool domain_within(std::string_view domain, std::string_view parent) noexcept;

/// Whether every byte of `s` is below 0x80.
bool is_ascii(std::string_view s) noexcept;
/// Whether `s` is valid UTF-8 (NUL bytes count as valid).
bool is_valid_utf8(std::string_view s) noexcept;
/// `s` when it is valid UTF-8, else with each invalid sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view s);
/// Unicode case folding, for comparing names and subjects (invalid UTF-8 replaced first).
std::string casefold(std::string_view s);
/// Unicode lower case; ASCII lower case when `s` is not valid UTF-8.
std::string lower(std::string_view s);
/// Unicode upper case; ASCII upper case when `s` is not valid UTF-8.
std::string upper(std::string_view s);
/// Bytes of the UTF-8 sequence that starts with `lead` (1 for stray continuation bytes).
std::size_t utf8_sequence_length(unsigned char lead) noexcept;
/// Number of characters (code points) of `s`; an invalid byte counts as one.
std::size_t utf8_length(std::string_view s) noexcept;
/// At most `max_chars` characters of `s`; never cuts a character in half.
std::string truncate_chars(std::string_view s, std::size_t max_chars);

/// RFC 3986 percent-encoding: unreserved ASCII kept, every other byte as %XX.
std::string percent_encode(std::string_view s);

/// Text made fit for a document field: invalid UTF-8 replaced, NUL and other control
/// characters removed (in a single-line field a run of line breaks and tabs goes too, one space
/// stands for them; multi-line text keeps CR, LF and tabs), then cut to `max_chars`
/// characters when that is not 0.
std::string clean_field(std::string_view s, bool multiline, std::size_t max_chars = 0);
/// Whether clean_field(s, multiline, max_chars) would return `s` unchanged (no allocation).
bool is_clean_field(std::string_view s, bool multiline, std::size_t max_chars = 0) noexcept;

}  // namespace switchboard::text
