// The name split every service uses: "Doe, John", middle names, surname particles, suffixes
// and salutations.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "core/text.h"
#include "model/directory.h"
#include "switchboard/model.h"

namespace switchboard {
namespace {

// Lower case without dots: "Ph.D." -> "phd", "Jr." -> "jr".
std::string token_key(std::string_view token) {
  std::string k;
  for (char c : token)
    if (c != '.') k += static_cast<char>(::tolower(static_cast<unsigned char>(c)));
  return k;
}

template <std::size_t N>
bool one_of(std::string_view token, const std::array<const char*, N>& words) {
  std::string k = token_key(token);
  return std::any_of(words.begin(), words.end(), [&](const char* w) { return k == w; });
}

constexpr std::array<const char*, 9> kSuffixes = {"jr",  "sr", "ii",  "iii", "iv",
                                                  "phd", "md", "esq", "dds"};
constexpr std::array<const char*, 11> kSalutations = {"mr",   "mrs", "ms",  "miss", "mx",   "dr",
                                                      "prof", "sir", "mme", "mlle", "madam"};
constexpr std::array<const char*, 23> kParticles = {
    "van", "von", "de", "da",  "del", "della", "der", "den", "di", "du", "la", "le",
    "dos", "das", "do", "ter", "ten", "bin",   "ibn", "al",  "el", "st", "des"};

std::vector<std::string> tokens_of(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::string join(const std::vector<std::string>& parts, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to && i < parts.size(); ++i) {
    if (!out.empty()) out += ' ';
    out += parts[i];
  }
  return out;
}

std::string append_word(std::string base, const std::string& word) {
  if (word.empty()) return base;
  return base.empty() ? word : base + " " + word;
}

// Strips quotes people paste around names: "\"Jane Doe\"" -> "Jane Doe".
std::string unquote(std::string s) {
  for (;;) {
    s = text::collapse_spaces(s);
    if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'' || s.front() == '`') &&
        s.back() == s.front()) {
      s = s.substr(1, s.size() - 2);
      continue;
    }
    return s;
  }
}

}  // namespace

std::pair<std::string, std::string> split_name(std::string_view full_name) {
  std::string s = unquote(std::string(full_name));
  if (s.empty()) return {};

  // Comma parts: "Doe, John", "Doe, John, Jr.", "John Doe, PhD".
  std::vector<std::string> parts;
  std::string suffixes;
  std::size_t start = 0;
  for (;;) {
    std::size_t comma = s.find(',', start);
    std::string part =
        text::trim(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (!part.empty()) {
      auto words = tokens_of(part);
      if (!parts.empty() && std::all_of(words.begin(), words.end(),
                                        [](const std::string& w) { return one_of(w, kSuffixes); }))
        suffixes = append_word(suffixes, part);
      else
        parts.push_back(part);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (parts.empty()) return {};
  if (parts.size() >= 2) {  // "Last, First [Middle]"
    std::string first;
    for (std::size_t i = 1; i < parts.size(); ++i) first = append_word(first, parts[i]);
    return {first, append_word(parts[0], suffixes)};
  }

  auto tokens = tokens_of(parts[0]);
  if (tokens.size() >= 3 && one_of(tokens.front(), kSalutations)) tokens.erase(tokens.begin());
  while (tokens.size() >= 3 && one_of(tokens.back(), kSuffixes)) {
    suffixes = append_word(tokens.back(), suffixes);
    tokens.pop_back();
  }
  if (tokens.size() == 1) return {tokens.front(), suffixes};
  // The surname is the last word plus the particles before it; at least one word stays first.
  std::size_t k = tokens.size() - 1;
  while (k > 1 && one_of(tokens[k - 1], kParticles)) --k;
  return {join(tokens, 0, k), append_word(join(tokens, k, tokens.size()), suffixes)};
}

namespace model {

std::string join_name(std::string_view first, std::string_view last) {
  return text::collapse_spaces(std::string(first) + " " + std::string(last));
}

}  // namespace model
}  // namespace switchboard
