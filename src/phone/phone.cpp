// Phone numbers on libphonenumber: normalization, match keys, matching and click-to-call.
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

#include "core/text.h"
#include "phone_internal.h"
#include "switchboard/error.h"
#include "switchboard/phone.h"

namespace switchboard {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

const std::set<std::string, std::less<>>& supported_regions() {
  static const std::set<std::string, std::less<>> kRegions = [] {
    std::set<std::string> regions;
    phone_detail::util().GetSupportedRegions(&regions);
    std::set<std::string, std::less<>> out(regions.begin(), regions.end());
    out.insert("ZZ");  // "unknown": only numbers written with a country code parse
    return out;
  }();
  return kRegions;
}

// Quotes user input in an error message, shortened.
std::string quoted(std::string_view raw) {
  constexpr std::size_t kMax = 40;
  std::string s(raw.substr(0, kMax));
  if (raw.size() > kMax) s += "...";
  return "'" + s + "'";
}

// Longer input is no number: libphonenumber's regular expressions take quadratic time on it
// (40,000 digits: 16 s), and its Java and Python versions refuse it the same way.
constexpr std::size_t kMaxInputLength = 250;

bool parse(std::string_view raw, const std::string& region, PhoneNumber& number) {
  if (raw.size() > kMaxInputLength) return false;
  return phone_detail::util().Parse(std::string(raw), region, &number) ==
         PhoneNumberUtil::NO_PARSING_ERROR;
}

}  // namespace

namespace phone_detail {

const PhoneNumberUtil& util() {
  static const PhoneNumberUtil* const kUtil = PhoneNumberUtil::GetInstance();
  return *kUtil;
}

std::string resolve_region(std::string_view region) {
  if (region == "US") return "US";
  if (region.empty())
    throw ValidationError("a phone region is needed to read numbers without a country code "
                          "(a two-letter region such as \"US\"; services use their site's)",
                          ErrorCode::kInvalidArgument);
  std::string upper(region);
  for (char& c : upper)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (!supported_regions().count(upper))
    throw ValidationError("unknown phone region " + quoted(region) +
                              " (expected a two-letter region code such as \"US\")",
                          ErrorCode::kInvalidArgument);
  return upper;
}

std::string settled_e164(PhoneNumber& number) {
  const PhoneNumberUtil& u = util();
  std::string e164;
  u.Format(number, PhoneNumberUtil::E164, &e164);
  // Read back by the international fast path where it answers (libphonenumber's answer, and
  // most numbers), else by libphonenumber; validity, the costly test, only when they differ.
  std::string again_e164;
  switch (fast_international_key(e164, "ZZ", again_e164)) {
    case FastAnswer::kKey: if (again_e164 == e164) return e164; break;
    case FastAnswer::kNoKey: return e164;
    case FastAnswer::kUnknown: break;
  }
  PhoneNumber again;
  if (u.Parse(e164, "ZZ", &again) != PhoneNumberUtil::NO_PARSING_ERROR) return e164;
  u.Format(again, PhoneNumberUtil::E164, &again_e164);
  if (again_e164 == e164 || !u.IsValidNumber(number) || !u.IsValidNumber(again)) return e164;
  again.set_extension(number.extension());
  number = std::move(again);
  return again_e164;
}

bool key_parts_slow(std::string_view raw, const std::string& region, KeyParts& out) {
  PhoneNumber number;
  if (!parse(raw, region, number)) return false;
  if (util().IsPossibleNumberWithReason(number) != PhoneNumberUtil::IS_POSSIBLE) return false;
  out.e164 = settled_e164(number);
  out.extension = number.extension();
  return true;
}

bool key_parts(std::string_view raw, const std::string& region, KeyParts& out, bool fast) {
  if (raw.size() > kMaxInputLength) return false;  // before the fast paths: one answer for all
  try {
    if (fast && fast_path_enabled()) {
      switch (fast_key(raw, region, out)) {
        case FastAnswer::kKey: return true;
        case FastAnswer::kNoKey: return false;
        case FastAnswer::kUnknown: break;
      }
    }
    return cached_key_parts(raw, region, out, [&](KeyParts& parts) {
      return key_parts_slow(raw, region, parts);
    });
  } catch (...) {  // only allocation can fail here; no key is the safe answer
    return false;
  }
}

namespace {

// International call prefixes people write instead of "+", longest first: Australia's 0011,
// North America's 011 and the 00 of most of the world.
constexpr std::string_view kCommonIdds[] = {"0011", "011", "00"};

// `raw` with its leading international call prefix `idd` written as "+", or "" without one.
std::string plus_for_idd(std::string_view raw, std::string_view idd) {
  std::size_t i = 0;
  while (i < raw.size() && (raw[i] == ' ' || raw[i] == '\t')) ++i;
  if (raw.substr(i, idd.size()) != idd) return {};
  return "+" + std::string(raw.substr(i + idd.size()));
}

// Whether `number`, read in `region`, was written as that region writes its national numbers:
// its trunk prefix, then the national number ("020 7946 0958" in GB). A region without a
// trunk prefix (Italy, Spain) always qualifies.
bool written_nationally(std::string_view raw, const std::string& region, const PhoneNumber& number) {
  const PhoneNumberUtil& u = util();
  std::string trunk;
  u.GetNddPrefixForRegion(region, /*strip_non_digits=*/true, &trunk);
  if (trunk.empty()) return true;
  std::string digits(raw);
  u.NormalizeDigitsOnly(&digits);
  std::string nsn;
  u.GetNationalSignificantNumber(number, &nsn);
  return digits.compare(0, trunk.size() + nsn.size(), trunk + nsn) == 0;
}

bool is_possible(const PhoneNumber& n) {
  return util().IsPossibleNumberWithReason(n) == PhoneNumberUtil::IS_POSSIBLE;
}

// Where `s` breaks between its first `limit` ASCII digits: the number of digits before each
// run of other characters. `digits` is the count of digits seen (at most `limit`).
std::vector<std::size_t> breaks_of(std::string_view s, std::size_t limit, std::size_t& digits) {
  std::vector<std::size_t> out;
  digits = 0;
  bool gap = false;
  for (char c : s) {
    if (digits == limit) break;
    if (c >= '0' && c <= '9') {
      if (gap && digits > 0) out.push_back(digits);
      gap = false;
      ++digits;
    } else {
      gap = true;
    }
  }
  return out;
}

enum class Grouping { kUnknown, kMatches, kConflicts };

// Whether `raw`, a national spelling of `number` in `region` (written_nationally), is grouped
// as the region's numbering plan formats the number: every break of its national format is a
// break in `raw`. kUnknown when either side has no group (an unbroken spelling, a number no
// format of the region covers) or the digits cannot be lined up.
Grouping grouping(std::string_view raw, const std::string& region, const PhoneNumber& number) {
  const PhoneNumberUtil& u = util();
  std::string trunk, nsn, formatted;
  u.GetNddPrefixForRegion(region, /*strip_non_digits=*/true, &trunk);
  u.GetNationalSignificantNumber(number, &nsn);
  PhoneNumber bare = number;
  bare.clear_extension();
  u.Format(bare, PhoneNumberUtil::NATIONAL, &formatted);
  const std::size_t length = trunk.size() + nsn.size();
  std::size_t formatted_digits = 0, written_digits = 0;
  const auto format_breaks = breaks_of(formatted, length, formatted_digits);
  // Some formats leave the trunk prefix out: their breaks count from after it.
  std::size_t offset = 0;
  if (formatted_digits == nsn.size() && formatted_digits != length) offset = trunk.size();
  else if (formatted_digits != length) return Grouping::kUnknown;
  const auto written_breaks = breaks_of(raw, length, written_digits);
  if (written_digits != length || written_breaks.empty() || format_breaks.empty())
    return Grouping::kUnknown;
  for (std::size_t b : format_breaks)
    if (std::find(written_breaks.begin(), written_breaks.end(), b + offset) == written_breaks.end())
      return Grouping::kConflicts;
  return Grouping::kMatches;
}

}  // namespace

bool read_on_site(std::string_view raw, const SiteConfig& site, PhoneNumber& number,
                  std::string* region_used) {
  const std::string region = resolve_region(site.region);
  const PhoneNumberUtil& u = util();
  auto found = [&](PhoneNumber& n, const std::string& r) {
    number = std::move(n);
    if (region_used) *region_used = r;
    return true;
  };
  PhoneNumber in_site;
  const bool site_parsed = parse(raw, region, in_site);
  if (site_parsed && u.IsValidNumber(in_site)) return found(in_site, region);
  // A national spelling of a fallback region: the first region that groups the number as it
  // was written, where it is valid or at least possible (fictional and unassigned ranges such
  // as Ofcom's 07700 900xxx); else the first region where it is valid.
  PhoneNumber first_valid;
  std::string first_valid_region;
  for (const auto& fallback : site.fallback_regions) {
    const std::string r = resolve_region(fallback);
    PhoneNumber n;
    if (!parse(raw, r, n) || !written_nationally(raw, r, n)) continue;
    const bool valid = u.IsValidNumber(n);
    if (!valid && !is_possible(n)) continue;
    if (grouping(raw, r, n) == Grouping::kMatches) return found(n, r);
    if (valid && first_valid_region.empty()) {
      first_valid = n;
      first_valid_region = r;
    }
  }
  if (!first_valid_region.empty()) return found(first_valid, first_valid_region);
  if (site_parsed && is_possible(in_site)) return found(in_site, region);
  // No key in the site's region: an international call prefix written instead of "+".
  PhoneNumber possible;
  bool have_possible = false;
  for (std::string_view idd : kCommonIdds) {
    std::string plus = plus_for_idd(raw, idd);
    PhoneNumber n;
    if (plus.empty() || !parse(plus, "ZZ", n)) continue;
    if (u.IsValidNumber(n)) return found(n, "ZZ");
    if (!have_possible && is_possible(n)) {
      possible = n;
      have_possible = true;
    }
  }
  if (have_possible) return found(possible, "ZZ");
  if (site_parsed) return found(in_site, region);
  return false;
}

bool fast_path_safe(const SiteConfig& site) {
  if (resolve_region(site.region) != "US") return false;
  // A fast-path number starts with 1-9, so a fallback region whose trunk prefix is "0" never
  // reads it nationally; a North American one reads it as the same +1 number.
  for (const auto& fallback : site.fallback_regions) {
    std::string trunk;
    const std::string r = resolve_region(fallback);
    util().GetNddPrefixForRegion(r, true, &trunk);
    if (trunk != "0" && util().GetCountryCodeForRegion(r) != 1) return false;
  }
  return true;
}

bool site_key_parts(std::string_view raw, const SiteConfig& site, KeyParts& out, bool fast) {
  if (raw.size() > kMaxInputLength) return false;
  if (fast && fast_path_enabled() && fast_path_safe(site) && fast_nanp_key(raw, out.e164)) {
    out.extension.clear();
    return true;
  }
  // A number written with "+" parses alike in every region, so every reading of the site
  // finds the number libphonenumber finds: the fast paths' answer is the site's.
  const std::size_t first = raw.find_first_not_of(' ');
  if (fast && fast_path_enabled() && first != std::string_view::npos && raw[first] == '+') {
    switch (fast_key(raw, resolve_region(site.region), out)) {
      case FastAnswer::kKey: return true;
      case FastAnswer::kNoKey: return false;
      case FastAnswer::kUnknown: break;
    }
  }
  try {
    std::string context = "site:" + site.region;  // a site reads more than its region alone
    for (const auto& fallback : site.fallback_regions) context += "," + fallback;
    return cached_key_parts(raw, context, out, [&](KeyParts& parts) {
      PhoneNumber number;
      if (!read_on_site(raw, site, number) || !is_possible(number)) return false;
      parts.e164 = settled_e164(number);
      parts.extension = number.extension();
      return true;
    });
  } catch (const ValidationError&) {
    throw;
  } catch (...) {  // only allocation can fail here; no key is the safe answer
    return false;
  }
}

}  // namespace phone_detail

namespace {

Phone phone_of(PhoneNumber& number) {
  const PhoneNumberUtil& u = phone_detail::util();
  Phone p;
  p.e164 = phone_detail::settled_e164(number);
  p.extension = number.extension();
  p.possible = phone_detail::is_possible(number);
  p.valid = u.IsValidNumber(number);
  u.GetRegionCodeForNumber(number, &p.region);
  if (p.region == "ZZ") u.GetRegionCodeForCountryCode(number.country_code(), &p.region);
  return p;
}

}  // namespace

std::optional<Phone> normalize_phone(std::string_view raw, std::string_view region) {
  const std::string r = phone_detail::resolve_region(region);
  PhoneNumber number;
  if (!parse(raw, r, number)) return std::nullopt;
  return phone_of(number);
}

std::optional<Phone> normalize_phone(std::string_view raw, const SiteConfig& site) {
  PhoneNumber number;
  if (!phone_detail::read_on_site(raw, site, number)) return std::nullopt;
  return phone_of(number);
}

std::optional<std::string> phone_key(std::string_view raw, std::string_view region) {
  phone_detail::KeyParts parts;
  if (!phone_detail::key_parts(raw, phone_detail::resolve_region(region), parts))
    return std::nullopt;
  return std::move(parts.e164);
}

std::optional<std::string> phone_key(std::string_view raw, const SiteConfig& site) {
  phone_detail::KeyParts parts;
  if (!phone_detail::site_key_parts(raw, site, parts)) return std::nullopt;
  return std::move(parts.e164);
}

std::string digits_only(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

const char* phone_match_name(PhoneMatch match) noexcept {
  switch (match) {
    case PhoneMatch::kExact: return "EXACT";
    case PhoneMatch::kNsn: return "NSN";
    case PhoneMatch::kShortNsn: return "SHORT_NSN";
    case PhoneMatch::kNone: break;
  }
  return "NONE";
}

bool same_line(std::string_view key_a, std::string_view ext_a, std::string_view key_b,
               std::string_view ext_b, ExtensionMatch extensions) noexcept {
  if (key_a.empty() || key_a != key_b) return false;
  if (ext_a == ext_b) return true;
  return extensions == ExtensionMatch::kIgnoreMissing && (ext_a.empty() || ext_b.empty());
}

PhoneMatch phone_match(std::string_view a, std::string_view b, std::string_view region,
                       ExtensionMatch extensions) {
  const std::string r = phone_detail::resolve_region(region);
  const PhoneNumberUtil& u = phone_detail::util();
  PhoneNumber na, nb;
  if (!parse(a, r, na) || !parse(b, r, nb)) return PhoneMatch::kNone;
  auto ra = u.IsPossibleNumberWithReason(na);
  auto rb = u.IsPossibleNumberWithReason(nb);
  auto garbage = [](PhoneNumberUtil::ValidationResult v) {
    return v == PhoneNumberUtil::TOO_SHORT || v == PhoneNumberUtil::INVALID_COUNTRY_CODE;
  };
  if (garbage(ra) || garbage(rb)) return PhoneMatch::kNone;  // "12" matches nothing
  const bool keyed = ra == PhoneNumberUtil::IS_POSSIBLE && rb == PhoneNumberUtil::IS_POSSIBLE;
  if (keyed && phone_detail::settled_e164(na) == phone_detail::settled_e164(nb) &&
      same_line("+", na.extension(), "+", nb.extension(), extensions))
    return PhoneMatch::kExact;
  switch (u.IsNumberMatchWithTwoStrings(std::string(a), std::string(b))) {
    case PhoneNumberUtil::EXACT_MATCH:  // same digits, but not both keyed in this region
    case PhoneNumberUtil::NSN_MATCH: return PhoneMatch::kNsn;
    case PhoneNumberUtil::SHORT_NSN_MATCH: return PhoneMatch::kShortNsn;
    default: return PhoneMatch::kNone;
  }
}

namespace {

// Click-to-call links for `number`, parsed (`parsed`) from `raw` read in `region`; throws
// ValidationError saying why a number cannot be dialled.
ClickToCall links_for(std::string_view raw, bool parsed, PhoneNumber& number,
                      const std::string& region) {
  if (!parsed)
    throw ValidationError(quoted(raw) + " is not a phone number", ErrorCode::kInvalidArgument);
  switch (phone_detail::util().IsPossibleNumberWithReason(number)) {
    case PhoneNumberUtil::IS_POSSIBLE: break;
    case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:
      throw ValidationError(quoted(raw) + " cannot be dialled: it lacks its area code",
                            ErrorCode::kInvalidArgument);
    case PhoneNumberUtil::TOO_SHORT:
      throw ValidationError(quoted(raw) + " cannot be dialled: too short",
                            ErrorCode::kInvalidArgument);
    case PhoneNumberUtil::TOO_LONG:
      throw ValidationError(quoted(raw) + " cannot be dialled: too long",
                            ErrorCode::kInvalidArgument);
    default:
      throw ValidationError(quoted(raw) + " cannot be dialled: not a possible number in " + region,
                            ErrorCode::kInvalidArgument);
  }
  ClickToCall out;
  out.e164 = phone_detail::settled_e164(number);
  out.extension = number.extension();
  // RingCentral's links take the E.164 digits without "+" (nothing left to encode).
  const std::string digits = out.e164.substr(1);
  out.desktop = "rcapp://r/call?number=" + digits;
  out.web = "https://app.ringcentral.com/r/call?number=" + digits;
  out.tel = "tel:" + out.e164;
  if (!out.extension.empty()) out.tel += ";ext=" + text::percent_encode(out.extension);
  return out;
}

}  // namespace

ClickToCall click_to_call(std::string_view raw, const SiteConfig& site) {
  PhoneNumber number;
  std::string region;
  const bool parsed = phone_detail::read_on_site(raw, site, number, &region);
  return links_for(raw, parsed, number, region.empty() ? site.region : region);
}

ClickToCall click_to_call(std::string_view raw, std::string_view region) {
  const std::string r = phone_detail::resolve_region(region);
  PhoneNumber number;
  const bool parsed = parse(raw, r, number);
  return links_for(raw, parsed, number, r);
}

}  // namespace switchboard
