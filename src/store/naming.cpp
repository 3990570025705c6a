#include "naming.h"

#include <ctime>
#include <random>

#include "switchboard/error.h"

namespace switchboard::naming {
namespace {

constexpr char kBase32Hex[] = "0123456789abcdefghijklmnopqrstuv";

std::string two(int v) {
  std::string s = std::to_string(v);
  return s.size() < 2 ? "0" + s : s;
}

}  // namespace

SeriesParts resolve_series(std::string_view pattern, const std::tm& tm, const Document& doc) {
  SeriesParts out;
  bool counter_seen = false;
  std::size_t pos = 0;
  while (pos <= pattern.size()) {
    std::size_t dot = pattern.find('.', pos);
    if (dot == std::string_view::npos) dot = pattern.size();
    std::string_view part = pattern.substr(pos, dot - pos);
    pos = dot + 1;
    std::string piece;
    if (!part.empty() && part.find_first_not_of('#') == std::string_view::npos) {
      if (counter_seen) throw ValidationError("naming series '" + std::string(pattern) +
                                              "' has two counters");
      counter_seen = true;
      out.digits = part.size();
      if (dot == pattern.size()) break;
      continue;
    }
    if (part == "YYYY") piece = std::to_string(tm.tm_year + 1900);
    else if (part == "YY") piece = two((tm.tm_year + 1900) % 100);
    else if (part == "MM") piece = two(tm.tm_mon + 1);
    else if (part == "DD") piece = two(tm.tm_mday);
    else if (part.size() > 2 && part.front() == '{' && part.back() == '}')
      piece = doc.text(part.substr(1, part.size() - 2));
    else piece = std::string(part);
    (counter_seen ? out.suffix : out.prefix) += piece;
    if (dot == pattern.size()) break;
  }
  if (!counter_seen)
    throw ValidationError("naming series '" + std::string(pattern) + "' has no ### counter");
  return out;
}

std::string series_name(const SeriesParts& parts, std::int64_t n) {
  std::string digits = std::to_string(n);
  std::string out = parts.prefix;
  if (digits.size() < parts.digits) out.append(parts.digits - digits.size(), '0');
  out += digits;
  out += parts.suffix;
  return out;
}

std::string random_hash(std::size_t length) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string out;
  out.reserve(length);
  auto tenths_of_ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count() /
      100);
  for (int i = 3; i >= 0 && out.size() < length; --i)
    out += kBase32Hex[(tenths_of_ms >> (5 * i)) & 31];
  std::uint64_t r = rng();
  int bits = 64;
  while (out.size() < length) {
    if (bits < 5) {
      r = rng();
      bits = 64;
    }
    out += kBase32Hex[r & 31];
    r >>= 5;
    bits -= 5;
  }
  return out;
}

}  // namespace switchboard::naming
