// Text rules of inbound mail: display names, names from addresses, subject normalization and
// truncation on Unicode characters. GLib supplies the Unicode tables.
#include <glib.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "core/text.h"
#include "email/email_internal.h"
#include "switchboard/email.h"

namespace switchboard {

namespace {

using text::trim;

std::string strip_quotes(std::string s) {
  while (s.size() >= 2 && ((s.front() == '"' && s.back() == '"') ||
                           (s.front() == '\'' && s.back() == '\''))) {
    s = trim(std::string_view(s).substr(1, s.size() - 2));
  }
  return s;
}

// Company and generational suffixes: "Acme, Inc." and "Smith, Jr." are not "Last, First".
bool is_name_suffix(std::string_view word) {
  static const std::array<std::string_view, 14> kSuffixes{
      "inc", "inc.", "llc", "ltd", "ltd.", "gmbh", "jr", "jr.", "sr", "sr.", "ii", "iii", "phd", "md"};
  std::string w = text::lower_ascii(word);
  return std::find(kSuffixes.begin(), kSuffixes.end(), w) != kSuffixes.end();
}

void append_utf8(std::string& out, gunichar c) {
  char buf[8];
  int n = g_unichar_to_utf8(c, buf);
  out.append(buf, static_cast<std::size_t>(n));
}

bool is_cased(gunichar c) { return g_unichar_isupper(c) || g_unichar_islower(c) || g_unichar_istitle(c); }

// Reply and forward prefixes, casefolded: English, German, Nordic, Dutch, Romance, Slavic,
// Turkish, Greek, Russian, Chinese and Japanese.
const std::vector<std::string>& reply_prefixes() {
  static const std::vector<std::string> kPrefixes = [] {
    std::vector<std::string> v;
    for (const char* p :
         {"re", "aw", "wg", "sv", "vs", "vb", "vl", "antw", "antwort", "doorst", "fwd", "fw", "tr",
          "rif", "r", "odp", "pd", "enc", "res", "rv", "ynt", "ilt", "απ", "σχετ", "προθ", "отв",
          "ответ", "пересл", "回复", "回覆", "答复", "转发", "轉寄", "转寄", "返信", "転送"})
      v.push_back(text::casefold(p));
    return v;
  }();
  return kPrefixes;
}

// Length in bytes of one reply/forward prefix at the start of `s` ("Re: ", "RE[2]:", "Re*2:",
// "AW :", "回复："), or 0 when `s` does not start with one.
std::size_t prefix_length(std::string_view s) {
  const char* p = s.data();
  const char* end = p + s.size();
  const char* word_end = p;
  while (word_end < end) {
    gunichar c = g_utf8_get_char_validated(word_end, end - word_end);
    if (c == static_cast<gunichar>(-1) || c == static_cast<gunichar>(-2) || !g_unichar_isalpha(c))
      break;
    word_end = g_utf8_next_char(word_end);
  }
  if (word_end == p) return 0;
  std::string word = text::casefold(std::string_view(p, static_cast<std::size_t>(word_end - p)));
  const auto& prefixes = reply_prefixes();
  if (std::find(prefixes.begin(), prefixes.end(), word) == prefixes.end()) return 0;
  const char* q = word_end;
  // optional counter: [2], (2), *2, ^2
  if (q < end && (*q == '[' || *q == '(')) {
    char close = *q == '[' ? ']' : ')';
    const char* r = q + 1;
    while (r < end && g_ascii_isdigit(*r)) ++r;
    if (r > q + 1 && r < end && *r == close) q = r + 1;
  } else if (q < end && (*q == '*' || *q == '^')) {
    const char* r = q + 1;
    while (r < end && g_ascii_isdigit(*r)) ++r;
    if (r > q + 1) q = r;
  }
  while (q < end && *q == ' ') ++q;
  if (q < end && *q == ':') return static_cast<std::size_t>(q + 1 - p);
  static const std::string kFullwidthColon = "\xEF\xBC\x9A";  // U+FF1A
  if (std::string_view(q, static_cast<std::size_t>(end - q)).substr(0, 3) == kFullwidthColon)
    return static_cast<std::size_t>(q + 3 - p);
  return 0;
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         text::iequals(s.substr(s.size() - suffix.size()), suffix);
}

}  // namespace

std::string clean_display_name(std::string_view name, std::string_view address) {
  std::string s = strip_quotes(text::collapse_spaces(text::valid_utf8(name)));
  // A trailing "(comment)" such as "John Doe (Sales)".
  if (!s.empty() && s.back() == ')') {
    auto open = s.rfind('(');
    if (open != std::string::npos && open > 0) s = strip_quotes(trim(std::string_view(s).substr(0, open)));
  }
  if (s.empty() || s.find('@') != std::string::npos) return {};
  if (!address.empty() && normalize_email(s) == normalize_email(address)) return {};
  auto comma = s.find(',');
  if (comma != std::string::npos && s.find(',', comma + 1) == std::string::npos) {
    std::string last = trim(std::string_view(s).substr(0, comma));
    std::string first = trim(std::string_view(s).substr(comma + 1));
    if (!last.empty() && !first.empty() && !is_name_suffix(first)) s = first + " " + last;
  }
  return s;
}

std::string title_case(std::string_view text) {
  std::string v = text::valid_utf8(text);
  std::string out;
  out.reserve(v.size());
  bool previous_cased = false;
  for (const char* p = v.c_str(); *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    gunichar mapped = previous_cased ? g_unichar_tolower(c) : g_unichar_totitle(c);
    append_utf8(out, mapped);
    previous_cased = is_cased(c);
  }
  return out;
}

std::string name_from_address(std::string_view address) {
  std::string a = text::trim(address);
  auto at = a.rfind('@');
  std::string local = at == std::string::npos ? a : a.substr(0, at);
  auto plus = local.find('+');
  if (plus != std::string::npos && plus > 0) local.resize(plus);
  std::replace(local.begin(), local.end(), '.', ' ');
  std::replace(local.begin(), local.end(), '_', ' ');
  return title_case(text::collapse_spaces(local));
}

std::string normalize_subject(std::string_view subject) {
  std::string s = text::collapse_spaces(text::valid_utf8(subject));
  for (int guard = 0; guard < 64; ++guard) {
    s = trim(s);
    if (s.empty()) break;
    if (s.front() == '[') {
      auto close = s.find(']');
      if (close != std::string::npos) {
        if (close + 1 == s.size()) {  // "[Fwd: subject]": the whole subject is a wrapper
          s = s.substr(1, close - 1);
          continue;
        }
        s = s.substr(close + 1);  // a leading "[TAG]"
        continue;
      }
    }
    if (std::size_t n = prefix_length(s)) {
      s = s.substr(n);
      continue;
    }
    if (ends_with_ci(s, "(fwd)")) {
      s.resize(s.size() - 5);
      continue;
    }
    break;
  }
  return s;
}

std::string utf8_prefix(std::string_view s, std::size_t max_chars) {
  return text::truncate_chars(text::valid_utf8(s), max_chars);
}

std::string truncate_subject(std::string_view subject, std::size_t max_chars,
                             std::string_view placeholder) {
  std::string s = text::collapse_spaces(text::valid_utf8(subject));
  if (s.empty()) return std::string(placeholder);
  if (text::utf8_length(s) <= max_chars) return s;
  if (max_chars <= 3) return utf8_prefix(s, max_chars);
  std::string head = utf8_prefix(s, max_chars - 3);
  // Never end just before a combining mark, a zero-width joiner or a variation selector:
  // back off to the start of the grapheme instead.
  const char* begin = s.c_str();
  const char* cut = begin + head.size();
  auto joins_previous = [](gunichar c) {
    return g_unichar_ismark(c) || c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F);
  };
  while (cut > begin) {
    const char* prev = g_utf8_prev_char(cut);
    if ((*cut && joins_previous(g_utf8_get_char(cut))) || g_utf8_get_char(prev) == 0x200D)
      cut = prev;
    else
      break;
  }
  return std::string(begin, static_cast<std::size_t>(cut - begin)) + "...";
}

namespace email_detail {

bool is_forward_subject(std::string_view subject) {
  static const std::vector<std::string> kForward = [] {
    std::vector<std::string> v;
    for (const char* p : {"fwd", "fw", "wg", "tr", "rv", "enc", "vb", "vl", "doorst", "пересл",
                          "转发", "轉寄", "转寄", "転送"})
      v.push_back(text::casefold(p));
    return v;
  }();
  const std::string subject_text = trim(text::collapse_spaces(text::valid_utf8(subject)));
  std::string_view s = subject_text;  // tags are skipped in place: linear in any number of them
  while (!s.empty() && s.front() == '[') {
    auto close = s.find(']');
    if (close == std::string_view::npos) break;
    if (close + 1 == s.size()) return is_forward_subject(s.substr(1, close - 1));  // "[Fwd: ...]"
    s = text::trim_view(s.substr(close + 1));
  }
  if (ends_with_ci(s, "(fwd)")) return true;
  std::size_t n = prefix_length(s);
  if (n == 0) return false;
  std::string_view word(s.data(), n);
  std::size_t letters = 0;
  while (letters < word.size() && word[letters] != ':' && word[letters] != ' ' &&
         word[letters] != '[' && word[letters] != '(' && word[letters] != '*' &&
         word[letters] != '^' && static_cast<unsigned char>(word[letters]) != 0xEF)
    ++letters;
  const std::string w = text::casefold(word.substr(0, letters));
  return std::find(kForward.begin(), kForward.end(), w) != kForward.end();
}

}  // namespace email_detail

}  // namespace switchboard
