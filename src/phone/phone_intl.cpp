// The second fast path of phone_key: numbers written with "+" (or, in region US, its "011")
// and a country code, and in region US numbers written with a leading 0, in ASCII digits and
// plain separators. Parsing such a number only
// splits off the country code and, where the country's metadata says so, a national prefix;
// this path does the same from libphonenumber's own metadata and leaves every number whose
// national prefix could be stripped (or any other doubt) to libphonenumber.
#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "phone_internal.h"

namespace i18n::phonenumbers {
// libphonenumber's compiled metadata (exported by the library; its header is not installed).
int metadata_size();
const void* metadata_get();
}  // namespace i18n::phonenumbers

namespace switchboard::phone_detail {
namespace {

using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// What parsing "+<cc><national>" does for one country calling code.
struct Country {
  bool known = false;   // a calling code libphonenumber knows: it ends the code's digits
  bool simple = false;  // geographic, national prefix for parsing absent or plain digits
  std::string prefix;   // that national prefix for parsing ("0", "1", "8"; "" when none)
};

bool plain_digits(const std::string& s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

const std::array<Country, 1000>& countries() {
  static const std::array<Country, 1000> kCountries = [] {
    std::array<Country, 1000> out{};
    const PhoneNumberUtil& u = util();
    for (int cc = 1; cc < 1000; ++cc) {
      std::string region;
      u.GetRegionCodeForCountryCode(cc, &region);
      out[cc].known = region != "ZZ";
    }
    PhoneMetadataCollection all;
    if (!all.ParseFromArray(i18n::phonenumbers::metadata_get(),
                            i18n::phonenumbers::metadata_size()))
      return out;  // no metadata: nothing is simple, libphonenumber decides everything
    for (const auto& m : all.metadata()) {
      const int cc = m.country_code();
      if (cc <= 0 || cc >= 1000 || !out[cc].known) continue;
      std::string main;
      u.GetRegionCodeForCountryCode(cc, &main);
      if (m.id() != main || main == "001") continue;  // the metadata a "+cc" number is read with
      const std::string& prefix = m.has_national_prefix_for_parsing() &&
                                          !m.national_prefix_for_parsing().empty()
                                      ? m.national_prefix_for_parsing()
                                      : m.national_prefix();
      out[cc].simple = plain_digits(prefix);
      out[cc].prefix = prefix;
    }
    return out;
  }();
  return kCountries;
}

bool is_separator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/';
}

}  // namespace

FastAnswer fast_international_key(std::string_view raw, std::string_view region,
                                  std::string& e164) {
  constexpr std::size_t kMaxInput = 48;
  if (raw.size() > kMaxInput) return FastAnswer::kUnknown;
  std::size_t i = 0;
  while (i < raw.size() && raw[i] == ' ') ++i;
  const bool plus = i < raw.size() && raw[i] == '+';
  if (plus) ++i;
  char digits[24];
  std::size_t count = 0;
  for (; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c >= '0' && c <= '9') {
      if (count == sizeof digits) return FastAnswer::kUnknown;
      digits[count++] = c;
    } else if (!is_separator(c)) {
      return FastAnswer::kUnknown;  // letters, extensions, Unicode, a second '+'
    }
  }
  std::string_view number(digits, count);
  if (!plus) {
    if (region != "US" || number.empty() || number[0] != '0') return FastAnswer::kUnknown;
    // Region US's international call prefix, followed by anything but 0 (libphonenumber
    // reads "0110..." as a national number).
    if (number.size() >= 4 && number.substr(0, 3) == "011" && number[3] != '0') {
      number.remove_prefix(3);
    } else {
      // A national number with a leading 0 ("020 7946 0123", "0044 20 ..."): no national
      // or international prefix of the US applies, so it is possible only with the ten
      // digits of a North American number, leading zero kept.
      if (number.size() != 10) return FastAnswer::kNoKey;
      e164.assign("+1");
      e164.append(number);
      return FastAnswer::kKey;
    }
  }
  if (number.size() <= 2 || number[0] == '0') return FastAnswer::kUnknown;
  const auto& table = countries();
  int cc = 0;
  std::size_t cc_length = 0;
  for (std::size_t n = 1; n <= 3 && n <= number.size(); ++n) {
    const int candidate = std::stoi(std::string(number.substr(0, n)));
    if (table[candidate].known) {
      cc = candidate;
      cc_length = n;
      break;
    }
  }
  if (cc == 0 || !table[cc].simple) return FastAnswer::kUnknown;
  const std::string_view national = number.substr(cc_length);
  // Too short or long for libphonenumber's parser; a leading 0 (Italian leading zeros, trunk
  // prefixes) or a national prefix it might strip: libphonenumber decides.
  if (national.size() < 2 || national.size() > 17 || national[0] == '0') return FastAnswer::kUnknown;
  const std::string& prefix = table[cc].prefix;
  if (!prefix.empty() && national.substr(0, prefix.size()) == prefix) return FastAnswer::kUnknown;
  std::uint64_t value = 0;
  for (char c : national) value = value * 10 + static_cast<std::uint64_t>(c - '0');
  PhoneNumber n;
  n.set_country_code(cc);
  n.set_national_number(value);
  if (util().IsPossibleNumberWithReason(n) != PhoneNumberUtil::IS_POSSIBLE) return FastAnswer::kNoKey;
  e164.assign("+");
  e164.append(number.substr(0, cc_length));
  e164.append(national);
  return FastAnswer::kKey;
}

namespace {

// Splits an extension written at the end as " x22", " x 22", " ext 22", " ext. 22" or
// ";ext=22" (1-6 ASCII digits; trailing spaces, which the parser drops first, ignored) off
// `raw`, as libphonenumber's extension pattern does when what precedes it is a number (three
// digits at least here). False when there is none of these.
bool split_extension(std::string_view raw, std::string_view& number, std::string& extension) {
  std::size_t end = raw.size();
  while (end > 0 && raw[end - 1] == ' ') --end;
  std::size_t p = end;
  while (p > 0 && raw[p - 1] >= '0' && raw[p - 1] <= '9') --p;
  if (p == end || end - p > 6) return false;
  const std::size_t digits_at = p;
  if (p >= 5 && raw.substr(p - 5, 5) == ";ext=") {
    p -= 5;
  } else {
    while (p > 0 && raw[p - 1] == ' ') --p;
    if (p >= 4 && raw.substr(p - 4, 4) == "ext.") p -= 4;
    else if (p >= 3 && raw.substr(p - 3, 3) == "ext") p -= 3;
    else if (p >= 1 && raw[p - 1] == 'x') p -= 1;
    else return false;
    // "/ x" starts a second number for libphonenumber, which drops it.
    std::size_t before = p;
    while (before > 0 && raw[before - 1] == ' ') --before;
    if (raw[p] == 'x' && before > 0 && (raw[before - 1] == '/' || raw[before - 1] == '\\'))
      return false;
  }
  number = raw.substr(0, p);
  if (std::count_if(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; }) < 3)
    return false;
  extension.assign(raw.substr(digits_at, end - digits_at));
  return true;
}

}  // namespace

FastAnswer fast_key(std::string_view raw, std::string_view region, KeyParts& out) {
  std::string_view number = raw;
  out.extension.clear();
  if (!split_extension(raw, number, out.extension)) out.extension.clear();
  if (region == "US" && fast_nanp_key(number, out.e164)) return FastAnswer::kKey;
  FastAnswer a = fast_international_key(number, region, out.e164);
  if (a != FastAnswer::kKey) out.extension.clear();
  return a;
}

}  // namespace switchboard::phone_detail
