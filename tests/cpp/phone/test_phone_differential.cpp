// Differential test: phone keys against libphonenumber itself over a generated corpus of
// more than 100,000 (input, region) pairs in 20 regions, every format of the reference
// document, mutations and garbage — with the fast path and without it. 100% agreement.
#include <doctest/doctest.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "phone/phone_internal.h"
#include "switchboard/switchboard.h"

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;
namespace pd = switchboard::phone_detail;

const char* const kRegions[] = {"US", "CA", "GB", "IN", "DE", "FR", "IT", "BR", "AU", "NL",
                                "RU", "MX", "JP", "ES", "CN", "ZA", "BJ", "NZ", "AR", "SG"};

// The definition of a key, straight from libphonenumber: the E.164 of what it parses, read
// back once when that is a valid number reading back as another valid one (Mexico's old
// mobile "1", which libphonenumber keeps behind a trunk prefix and drops from +52 1 …).
bool oracle(const std::string& raw, const std::string& region, pd::KeyParts& out) {
  const PhoneNumberUtil& u = *PhoneNumberUtil::GetInstance();
  PhoneNumber n;
  if (u.Parse(raw, region, &n) != PhoneNumberUtil::NO_PARSING_ERROR) return false;
  if (u.IsPossibleNumberWithReason(n) != PhoneNumberUtil::IS_POSSIBLE) return false;
  u.Format(n, PhoneNumberUtil::E164, &out.e164);
  out.extension = n.extension();
  PhoneNumber back;
  if (u.IsValidNumber(n) && u.Parse(out.e164, "ZZ", &back) == PhoneNumberUtil::NO_PARSING_ERROR &&
      u.IsValidNumber(back))
    u.Format(back, PhoneNumberUtil::E164, &out.e164);
  return true;
}

std::string utf8(char32_t c) {
  std::string s;
  if (c < 0x80) {
    s += static_cast<char>(c);
  } else if (c < 0x800) {
    s += static_cast<char>(0xC0 | (c >> 6));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    s += static_cast<char>(0xE0 | (c >> 12));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  }
  return s;
}

class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}

  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool chance(int percent) { return pick(100) < percent; }
  template <typename T, std::size_t N>
  const T& one_of(const T (&items)[N]) { return items[pick(static_cast<int>(N))]; }

  std::string digits(int n, bool first_nonzero = false) {
    std::string s;
    for (int i = 0; i < n; ++i)
      s += static_cast<char>('0' + (i == 0 && first_nonzero ? 1 + pick(9) : pick(10)));
    return s;
  }

  // A North American number in one of the shapes people type (the fast path's domain,
  // including near misses: leading 0/1 area codes, wrong lengths, stray characters).
  std::string nanp_shape() {
    std::string area = digits(3), exchange = digits(3), line = digits(4);
    if (chance(80)) area[0] = static_cast<char>('2' + pick(8));
    static const char* const kSeps[] = {" ", "-", ".", "/", "", "  ", " - ", ". "};
    std::string sep = one_of(kSeps);
    std::string body;
    switch (pick(4)) {
      case 0: body = "(" + area + ") " + exchange + sep + line; break;
      case 1: body = area + sep + exchange + sep + line; break;
      case 2: body = area + exchange + line; break;
      default: body = "(" + area + ")" + exchange + "-" + line; break;
    }
    static const char* const kPrefixes[] = {"", "", "", "1", "1 ", "1-", "+1 ", "+1", "+1-",
                                            "+1 (", " ", "+ 1 ", "+11", "011 1 ", "0"};
    std::string out = std::string(one_of(kPrefixes)) + body;
    switch (pick(20)) {
      case 0: out.erase(static_cast<std::size_t>(pick(static_cast<int>(out.size()))), 1); break;
      case 1: out.insert(static_cast<std::size_t>(pick(static_cast<int>(out.size()))), digits(1)); break;
      case 2: out += " "; break;
      case 3: out += "."; break;
      case 4: out = "(" + out; break;
      default: break;
    }
    return out;
  }

  // Random strings over the fast path's alphabet (digits, separators, '+').
  std::string fast_alphabet() {
    static const char kAlphabet[] = "0123456789012345678901234567890123456789 -.()/+";
    std::string s;
    const int n = 5 + pick(20);
    for (int i = 0; i < n; ++i) s += kAlphabet[pick(static_cast<int>(sizeof kAlphabet) - 1)];
    return s;
  }

  std::string garbage() {
    static const char* const kPieces[] = {
        "a", "x", "ext", "#", ";", "+", "-", " ", "(", ")", "0", "1", "5", "9", "tel:", "*",
        "\xc2\xa0", "\xe2\x80\x93", "\xef\xbc\x8b", "\xd9\xa3", "\xef\xbc\x95", "\xff", "\t",
        ",", "/", ".", "e", "FLOWERS", "00", "011", "+44", "phone-context=", "=", "\xe3\x80\x80"};
    std::string s;
    const int n = pick(12);
    for (int i = 0; i < n; ++i) s += one_of(kPieces);
    return s;
  }

  // Replaces ASCII digits with another script's digits.
  static std::string script_digits(const std::string& s, char32_t zero) {
    std::string out;
    for (char c : s) out += (c >= '0' && c <= '9') ? utf8(zero + static_cast<char32_t>(c - '0')) : std::string(1, c);
    return out;
  }

  // Replaces spaces with another separator.
  std::string reseparate(const std::string& s) {
    static const char* const kSeps[] = {"-", ".", "/", "\xc2\xa0", "\xe2\x80\x93", "", "  ", "\xe3\x80\x80"};
    std::string sep = one_of(kSeps), out;
    for (char c : s) out += c == ' ' ? sep : std::string(1, c);
    return out;
  }

  // Vanity: digits 2-9 near the end become their letters.
  std::string vanity(const std::string& s) {
    static const char* const kLetters[] = {"", "", "ABC", "DEF", "GHI", "JKL", "MNO", "PQRS", "TUV", "WXYZ"};
    std::string out = s;
    int changed = 0;
    for (std::size_t i = out.size(); i-- > 0 && changed < 7;) {
      char c = out[i];
      if (c >= '2' && c <= '9') {
        const char* letters = kLetters[c - '0'];
        char letter = letters[pick(static_cast<int>(std::char_traits<char>::length(letters)))];
        out[i] = chance(20) ? static_cast<char>(letter - 'A' + 'a') : letter;
        ++changed;
      }
    }
    return out;
  }

  // A number of `region`: one of its example numbers with digits changed (and sometimes its
  // length), written in one of the formats of the reference document.
  std::string regional(const std::string& region) {
    const PhoneNumberUtil& u = *PhoneNumberUtil::GetInstance();
    static const PhoneNumberUtil::PhoneNumberType kTypes[] = {
        PhoneNumberUtil::FIXED_LINE, PhoneNumberUtil::MOBILE, PhoneNumberUtil::TOLL_FREE,
        PhoneNumberUtil::VOIP, PhoneNumberUtil::PREMIUM_RATE, PhoneNumberUtil::UAN};
    auto& examples = examples_[region];
    if (examples.empty()) {
      for (auto type : kTypes) {
        PhoneNumber n;
        if (u.GetExampleNumberForType(region, type, &n)) examples.push_back(n);
      }
    }
    const PhoneNumber& n = examples[static_cast<std::size_t>(pick(static_cast<int>(examples.size())))];
    std::string nsn;
    u.GetNationalSignificantNumber(n, &nsn);
    for (std::size_t i = 1; i < nsn.size(); ++i)
      if (chance(40)) nsn[i] = static_cast<char>('0' + pick(10));
    if (chance(10)) nsn += digits(1);
    if (chance(10) && nsn.size() > 3) nsn.pop_back();
    PhoneNumber m;
    m.set_country_code(n.country_code());
    if (u.Parse("+" + std::to_string(n.country_code()) + nsn, "ZZ", &m) !=
        PhoneNumberUtil::NO_PARSING_ERROR)
      return "+" + std::to_string(n.country_code()) + nsn;
    std::string text;
    const std::string cc = std::to_string(m.country_code());
    switch (pick(12)) {
      case 0: u.Format(m, PhoneNumberUtil::E164, &text); break;
      case 1: u.Format(m, PhoneNumberUtil::INTERNATIONAL, &text); break;
      case 2:
      case 3: u.Format(m, PhoneNumberUtil::NATIONAL, &text); break;
      case 4: u.Format(m, PhoneNumberUtil::RFC3966, &text); break;
      case 5: text = (chance(50) ? "011 " : "00 ") + cc + " " + nsn; break;  // IDD
      case 6: text = "+" + cc + " (0)" + nsn; break;                         // trunk in brackets
      case 7: text = "0" + nsn; break;                                        // trunk prefix
      case 8: text = "8 " + nsn; break;                                       // Russian trunk
      case 9: text = nsn; break;
      case 10: text = cc + nsn; break;  // country code without '+'
      default: u.Format(m, PhoneNumberUtil::INTERNATIONAL, &text); text = "Tel: " + text; break;
    }
    switch (pick(16)) {
      case 0: text = reseparate(text); break;
      case 1: text = script_digits(text, U'\uFF10'); break;  // full-width
      case 2: text = script_digits(text, U'\u0660'); break;  // Arabic-Indic
      case 3: text = script_digits(text, U'\u06F0'); break;  // Eastern Arabic-Indic
      case 4: text = vanity(text); break;
      case 5: if (!text.empty() && text[0] == '+') text = "\xef\xbc\x8b" + text.substr(1); break;
      case 6: text = "tel:+" + cc + nsn + ";phone-context=+" + cc; break;
      default: break;
    }
    static const char* const kExtensions[] = {" x 89", " ext. 123", ";ext=7", "#45", " extn 1234",
                                              " x89", " ext 5", " #", " x"};
    if (chance(15)) text += one_of(kExtensions);
    return text;
  }

 private:
  std::mt19937 rng_;
  std::map<std::string, std::vector<PhoneNumber>> examples_;
};

struct Tally {
  long evaluations = 0, keyed = 0, fast = 0, intl = 0, with_extension = 0, mismatches = 0,
       site_only = 0;
};

void check_one(const std::string& raw, const std::string& region, Tally& t, Generator& g) {
  pd::KeyParts want, slow, fast;
  const bool has = oracle(raw, region, want);
  const bool slow_has = pd::key_parts(raw, region, slow, /*fast=*/false);
  ++t.evaluations;
  if (has) ++t.keyed;
  bool ok = slow_has == has && (!has || (slow.e164 == want.e164 && slow.extension == want.extension));
  // The international fast path alone: whenever it answers, the answer is libphonenumber's.
  std::string intl;
  switch (pd::fast_international_key(raw, region, intl)) {
    case pd::FastAnswer::kKey:
      ++t.intl;
      ok = ok && has && intl == want.e164 && want.extension.empty();
      break;
    case pd::FastAnswer::kNoKey:
      ++t.intl;
      ok = ok && !has;
      break;
    case pd::FastAnswer::kUnknown: break;
  }
  // Both fast paths with extensions split off: whenever they answer, libphonenumber agrees.
  pd::KeyParts both;
  switch (pd::fast_key(raw, region, both)) {
    case pd::FastAnswer::kKey:
      ++t.with_extension;
      ok = ok && has && both.e164 == want.e164 && both.extension == want.extension;
      break;
    case pd::FastAnswer::kNoKey: ok = ok && !has; break;
    case pd::FastAnswer::kUnknown: break;
  }
  // The fast path alone: whenever it answers, the answer is libphonenumber's.
  if (region == "US" && pd::fast_nanp_key(raw, fast.e164)) {
    ++t.fast;
    ok = ok && has && fast.e164 == want.e164 && want.extension.empty();
    auto key = switchboard::phone_key(raw, region);  // the public entry with the fast path on
    ok = ok && key && *key == want.e164;
  } else if (g.chance(5)) {
    auto key = switchboard::phone_key(raw, region);
    ok = ok && key.has_value() == has && (!has || *key == want.e164);
    auto phone = switchboard::normalize_phone(raw, region);
    ok = ok && (phone ? phone->key() : std::string()) == (has ? want.e164 : std::string());
  }
  // A site without fallback regions agrees wherever libphonenumber gives a key; elsewhere it
  // keys only numbers written with an international prefix instead of "+", as libphonenumber
  // keys the "+" spelling.
  switchboard::SiteConfig site;
  site.region = region;
  pd::KeyParts on_site;
  const bool site_has = pd::site_key_parts(raw, site, on_site);
  if (has) {
    ok = ok && site_has && on_site.e164 == want.e164 && on_site.extension == want.extension;
  } else if (site_has) {
    ++t.site_only;
    bool explained = false;
    std::size_t i = raw.find_first_not_of(" \t");
    for (const char* idd : {"0011", "011", "00"}) {
      if (i == std::string::npos || raw.compare(i, std::strlen(idd), idd) != 0) continue;
      pd::KeyParts plus;
      if (oracle("+" + raw.substr(i + std::strlen(idd)), "ZZ", plus) && plus.e164 == on_site.e164 &&
          plus.extension == on_site.extension)
        explained = true;
    }
    ok = ok && explained;
  }
  if (!ok && ++t.mismatches <= 20) {
    MESSAGE("mismatch for [" << raw << "] in " << region << ": libphonenumber "
                             << (has ? want.e164 + " ext " + want.extension : "no key")
                             << ", switchboard slow " << (slow_has ? slow.e164 : "no key")
                             << ", on a site " << (site_has ? on_site.e164 : "no key"));
  }
}

}  // namespace

TEST_CASE("phone: differential test against libphonenumber (100,000+ inputs, 20 regions)") {
  REQUIRE(pd::fast_path_enabled());
  Generator g(20260101);
  Tally t;
  // Reference formats in every region, read in their own region and in a random other one.
  for (int i = 0; i < 2600; ++i) {
    for (const char* region : kRegions) {
      std::string raw = g.regional(region);
      check_one(raw, region, t, g);
      if (g.chance(10)) check_one(raw, g.one_of(kRegions), t, g);
    }
  }
  // North American shapes (the fast path) and near misses, mostly in US.
  for (int i = 0; i < 40000; ++i) {
    std::string raw = g.nanp_shape();
    check_one(raw, "US", t, g);
    if (g.chance(5)) check_one(raw, g.one_of(kRegions), t, g);
  }
  for (int i = 0; i < 8000; ++i) check_one(g.fast_alphabet(), "US", t, g);
  // "+cc" and "011 cc" spellings with random national digits (the international fast path's
  // domain: every country code 1-999, national prefixes, leading zeros, any length).
  for (int i = 0; i < 20000; ++i) {
    std::string cc = std::to_string(g.chance(60) ? PhoneNumberUtil::GetInstance()->GetCountryCodeForRegion(
                                                       g.one_of(kRegions))
                                                 : 1 + g.pick(999));
    static const char* const kSeps[] = {" ", "-", ".", "", "", " (", ") ", "/"};
    std::string raw = g.chance(85) ? "+" + cc : std::string(g.chance(50) ? "011 " : "011") + cc;
    const int groups = 1 + g.pick(4);
    for (int k = 0; k < groups; ++k) raw += g.one_of(kSeps) + g.digits(1 + g.pick(5));
    if (g.chance(5)) raw = " " + raw + " ";
    check_one(raw, g.chance(70) ? "US" : g.one_of(kRegions), t, g);
  }
  for (int i = 0; i < 8000; ++i) check_one(g.fast_alphabet(), g.one_of(kRegions), t, g);
  // The same shapes with extensions written after them, plain and odd.
  for (int i = 0; i < 12000; ++i) {
    static const char* const kLabels[] = {" x", " x ", "x", " ext ", " ext. ", ";ext=", " ext.",
                                          "ext", " X", " #", " ext: ", ",", " x-", "  x  ",
                                          " / x", "/x", " /ext "};
    std::string raw = i % 3 ? g.nanp_shape() : "+" + std::to_string(1 + g.pick(999)) + " " + g.digits(2 + g.pick(10));
    raw += std::string(g.one_of(kLabels)) + g.digits(g.pick(9));
    if (g.chance(20)) raw += " ";
    check_one(raw, g.chance(70) ? "US" : g.one_of(kRegions), t, g);
  }
  for (int i = 0; i < 4000; ++i) check_one(g.garbage(), g.chance(50) ? "US" : g.one_of(kRegions), t, g);

  // The same again with the fast path switched off globally: every key from libphonenumber.
  pd::set_fast_path_enabled(false);
  Generator again(7);
  long off_mismatches = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string raw = i % 2 ? again.nanp_shape() : again.fast_alphabet();
    pd::KeyParts want;
    bool has = oracle(raw, "US", want);
    auto key = switchboard::phone_key(raw, "US");
    if (key.has_value() != has || (has && *key != want.e164)) ++off_mismatches;
  }
  pd::set_fast_path_enabled(true);

  MESSAGE("evaluated " << t.evaluations << " inputs: " << t.keyed << " keyed, " << t.fast
                       << " answered by the fast path, " << t.intl
                       << " by the international fast path, " << t.with_extension
                       << " keyed by both with extensions split off, " << t.site_only
                       << " keyed by a site only (international prefixes)");
  CHECK(t.evaluations >= 100000);
  CHECK(t.fast >= 20000);  // the fast path is really exercised
  CHECK(t.intl >= 10000);  // and the international one
  CHECK(t.with_extension >= 40000);
  CHECK(t.keyed >= 30000);
  CHECK(t.evaluations - t.keyed >= 20000);  // and so are the inputs without a key
  CHECK(t.site_only >= 100);  // the site's extra readings are exercised
  CHECK(t.mismatches == 0);
  CHECK(off_mismatches == 0);
}
