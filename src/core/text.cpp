// The shared text rules (see text.h). GLib supplies Unicode validation and case tables.
#include "core/text.h"

#include <glib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace switchboard::text {
namespace {

template <typename GlibFn>
std::string glib_map(std::string_view valid, GlibFn&& fn) {
  gchar* out = fn(valid.data(), static_cast<gssize>(valid.size()));
  std::string r(out ? out : "");
  g_free(out);
  return r;
}

// One decoded character of valid UTF-8 starting at s[i]; `len` receives its byte length.
char32_t decode(std::string_view s, std::size_t i, std::size_t& len) noexcept {
  unsigned char c = static_cast<unsigned char>(s[i]);
  len = std::min(utf8_sequence_length(c), s.size() - i);
  if (len == 1) return c;
  char32_t cp = c & (0xFF >> (len + 1));
  for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return cp;
}

bool is_control(char32_t c) noexcept { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }
bool is_line_separator(char32_t c) noexcept { return c == 0x2028 || c == 0x2029; }

}  // namespace

bool is_ascii(std::string_view s) noexcept {
  std::size_t i = 0;
  std::uint64_t high = 0;  // 8 bytes at a time: any byte with its high bit set
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    high |= w;
  }
  if (high & 0x8080808080808080ULL) return false;
  return std::all_of(s.begin() + static_cast<std::ptrdiff_t>(i), s.end(),
                     [](char c) { return (c & 0x80) == 0; });
}

std::string_view trim_view(std::string_view s) noexcept {
  std::size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::string trim(std::string_view s) { return std::string(trim_view(s)); }

std::string collapse_spaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending = false;
  for (char c : s) {
    if (is_space(c)) {
      pending = !out.empty();
      continue;
    }
    if (pending) out += ' ';
    pending = false;
    out += c;
  }
  return out;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string upper_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (g_ascii_tolower(a[i]) != g_ascii_tolower(b[i])) return false;
  return true;
}

bool word_at(std::string_view s, std::size_t pos, std::size_t len) noexcept {
  bool left = pos == 0 || !g_ascii_isalpha(s[pos - 1]);
  bool right = pos + len == s.size() || !g_ascii_isalpha(s[pos + len]);
  return left && right;
}

bool domain_within(std::string_view domain, std::string_view parent) noexcept {
  if (parent.empty()) return false;
  if (domain == parent) return true;
  return domain.size() > parent.size() &&
         domain.compare(domain.size() - parent.size(), parent.size(), parent) == 0 &&
         domain[domain.size() - parent.size() - 1] == '.';
}

bool is_valid_utf8(std::string_view s) noexcept {
  if (is_ascii(s)) return true;
  // GLib calls a NUL byte invalid when given a length: validate the pieces between NULs.
  for (std::size_t start = 0;;) {
    std::size_t nul = s.find('\0', start);
    std::size_t end = nul == std::string_view::npos ? s.size() : nul;
    if (!g_utf8_validate_len(s.data() + start, end - start, nullptr)) return false;
    if (nul == std::string_view::npos) return true;
    start = nul + 1;
  }
}

std::string valid_utf8(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  // g_utf8_make_valid stops at NUL; validate each NUL-free piece on its own.
  std::string out;
  out.reserve(s.size() + 8);
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t nul = s.find('\0', start);
    std::size_t end = nul == std::string_view::npos ? s.size() : nul;
    if (end > start) {
      char* fixed = g_utf8_make_valid(s.data() + start, static_cast<gssize>(end - start));
      out += fixed;
      g_free(fixed);
    }
    if (nul == std::string_view::npos) break;
    out += '\0';
    start = nul + 1;
  }
  return out;
}

std::string casefold(std::string_view s) {
  // ASCII folds to lower case (as GLib, whose result ends at the first NUL).
  if (is_ascii(s)) return lower_ascii(s.substr(0, s.find('\0')));
  std::string v = valid_utf8(s);
  return glib_map(v, g_utf8_casefold);
}

std::string lower(std::string_view s) {
  if (is_ascii(s) || !is_valid_utf8(s)) return lower_ascii(s);
  return glib_map(s, g_utf8_strdown);
}

std::string upper(std::string_view s) {
  if (is_ascii(s) || !is_valid_utf8(s)) return upper_ascii(s);
  return glib_map(s, g_utf8_strup);
}

std::size_t utf8_sequence_length(unsigned char lead) noexcept {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

std::size_t utf8_length(std::string_view s) noexcept {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++chars)
    i += std::min(utf8_sequence_length(static_cast<unsigned char>(s[i])), s.size() - i);
  return chars;
}

std::string truncate_chars(std::string_view s, std::size_t max_chars) {
  std::size_t chars = 0, i = 0;
  while (i < s.size() && chars < max_chars) {
    i += std::min(utf8_sequence_length(static_cast<unsigned char>(s[i])), s.size() - i);
    ++chars;
  }
  return std::string(s.substr(0, i));
}

std::string percent_encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

namespace {

// True when every byte of `w` is printable ASCII (0x20..0x7E). For bytes below 0x80, adding
// 0x60 leaves the high bit clear exactly for those below 0x20, and XOR 0x7F then adding 0x7F
// exactly for 0x7F; no byte below 0x80 carries into its neighbour.
bool printable_ascii_word(std::uint64_t w) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  const std::uint64_t low = ~(w + 0x60 * kOnes) & ~w;  // high bit set where byte < 0x20
  const std::uint64_t del = ~((w ^ (0x7F * kOnes)) + 0x7F * kOnes) & ~w;  // where byte == 0x7F
  return ((w | low | del) & kHigh) == 0;
}

}  // namespace

bool is_clean_field(std::string_view s, bool multiline, std::size_t max_chars) noexcept {
  bool ascii = true;  // the common case: printable ASCII, 8 bytes at a time
  for (std::size_t i = 0; i < s.size() && ascii;) {
    if (i + 8 <= s.size()) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (printable_ascii_word(w)) {
        i += 8;
        continue;
      }
    }
    for (const std::size_t end = std::min(s.size(), i + 8); i < end; ++i) {  // byte by byte
      auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      if ((c < 0x20 || c == 0x7F) && !(multiline && (c == '\n' || c == '\r' || c == '\t')))
        return false;
    }
  }
  if (ascii) return max_chars == 0 || s.size() <= max_chars;
  if (!is_valid_utf8(s)) return false;
  std::size_t chars = 0;
  for (std::size_t i = 0, len = 0; i < s.size(); i += len, ++chars) {
    char32_t c = decode(s, i, len);
    if (multiline ? (c != '\n' && c != '\r' && c != '\t' && is_control(c))
                  : is_control(c) || is_line_separator(c))
      return false;
  }
  return max_chars == 0 || chars <= max_chars;
}

std::string clean_field(std::string_view raw, bool multiline, std::size_t max_chars) {
  if (is_clean_field(raw, multiline, max_chars)) return std::string(raw);
  std::string s = valid_utf8(raw);
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;  // single-line: a removed line break or tab stands as one space
  for (std::size_t i = 0, len = 0; i < s.size(); i += len) {
    char32_t c = decode(s, i, len);
    if (multiline) {
      if (c == '\r' || c == '\n' || c == '\t' || !is_control(c)) {
        out.append(s, i, len);
      }
      continue;
    }
    if (c == '\r' || c == '\n' || c == '\t' || c == '\v' || c == '\f' || c == 0x85 ||
        is_line_separator(c)) {
      pending_space = true;
      continue;
    }
    if (is_control(c)) continue;
    if (pending_space && !out.empty() && out.back() != ' ' && c != ' ') out += ' ';
    pending_space = false;
    out.append(s, i, len);
  }
  if (max_chars != 0) return truncate_chars(out, max_chars);
  return out;
}

}  // namespace switchboard::text
