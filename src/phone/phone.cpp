// Phone numbers on libphonenumber: normalization, match keys, matching and click-to-call.
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <cstdint>
#include <set>

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

bool parse(std::string_view raw, const std::string& region, PhoneNumber& number) {
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

bool key_parts_slow(std::string_view raw, const std::string& region, KeyParts& out) {
  PhoneNumber number;
  if (!parse(raw, region, number)) return false;
  if (util().IsPossibleNumberWithReason(number) != PhoneNumberUtil::IS_POSSIBLE) return false;
  util().Format(number, PhoneNumberUtil::E164, &out.e164);
  out.extension = number.extension();
  return true;
}

bool key_parts(std::string_view raw, const std::string& region, KeyParts& out, bool fast) {
  try {
    if (fast && region == "US" && fast_path_enabled() && fast_nanp_key(raw, out.e164)) {
      out.extension.clear();
      return true;
    }
    return key_parts_slow(raw, region, out);
  } catch (...) {  // only allocation can fail here; no key is the safe answer
    return false;
  }
}

std::string key_region(std::string_view raw, const SiteConfig& site) {
  std::string region = resolve_region(site.region);
  if (site.fallback_regions.empty()) return region;
  const PhoneNumberUtil& u = util();
  PhoneNumber number;
  try {
    if (!parse(raw, region, number) || u.IsValidNumber(number)) return region;
    for (const auto& fallback : site.fallback_regions) {
      std::string r = resolve_region(fallback);
      if (parse(raw, r, number) && u.IsValidNumber(number)) return r;
    }
  } catch (const ValidationError&) {
    throw;
  } catch (...) {  // only allocation can fail here: the site's own region decides
  }
  return region;
}

bool site_key_parts(std::string_view raw, const SiteConfig& site, KeyParts& out) {
  return key_parts(raw, key_region(raw, site), out);
}

}  // namespace phone_detail

std::optional<Phone> normalize_phone(std::string_view raw, std::string_view region) {
  const std::string r = phone_detail::resolve_region(region);
  const PhoneNumberUtil& u = phone_detail::util();
  PhoneNumber number;
  if (!parse(raw, r, number)) return std::nullopt;
  Phone p;
  u.Format(number, PhoneNumberUtil::E164, &p.e164);
  p.extension = number.extension();
  p.possible = u.IsPossibleNumberWithReason(number) == PhoneNumberUtil::IS_POSSIBLE;
  p.valid = u.IsValidNumber(number);
  u.GetRegionCodeForNumber(number, &p.region);
  if (p.region == "ZZ") u.GetRegionCodeForCountryCode(number.country_code(), &p.region);
  return p;
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

PhoneMatch phone_match(std::string_view a, std::string_view b, std::string_view region) {
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
  if (keyed && na.country_code() == nb.country_code() &&
      na.national_number() == nb.national_number() &&
      na.italian_leading_zero() == nb.italian_leading_zero() &&
      na.number_of_leading_zeros() == nb.number_of_leading_zeros() &&
      na.extension() == nb.extension())
    return PhoneMatch::kExact;
  switch (u.IsNumberMatchWithTwoStrings(std::string(a), std::string(b))) {
    case PhoneNumberUtil::EXACT_MATCH:  // same digits, but not both keyed in this region
    case PhoneNumberUtil::NSN_MATCH: return PhoneMatch::kNsn;
    case PhoneNumberUtil::SHORT_NSN_MATCH: return PhoneMatch::kShortNsn;
    default: return PhoneMatch::kNone;
  }
}

ClickToCall click_to_call(std::string_view raw, const SiteConfig& site) {
  return click_to_call(raw, phone_detail::key_region(raw, site));
}

ClickToCall click_to_call(std::string_view raw, std::string_view region) {
  const std::string r = phone_detail::resolve_region(region);
  PhoneNumber number;
  if (!parse(raw, r, number))
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
      throw ValidationError(quoted(raw) + " cannot be dialled: not a possible number in " + r,
                            ErrorCode::kInvalidArgument);
  }
  ClickToCall out;
  phone_detail::util().Format(number, PhoneNumberUtil::E164, &out.e164);
  out.extension = number.extension();
  // RingCentral's links take the E.164 digits without "+" (nothing left to encode).
  const std::string digits = out.e164.substr(1);
  out.desktop = "rcapp://r/call?number=" + digits;
  out.web = "https://app.ringcentral.com/r/call?number=" + digits;
  out.tel = "tel:" + out.e164;
  if (!out.extension.empty()) out.tel += ";ext=" + text::percent_encode(out.extension);
  return out;
}

}  // namespace switchboard
