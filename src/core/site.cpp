// SiteConfig: validation and JSON. One table of fields drives from_json, to_json and ==.
#include "switchboard/site.h"

#include <algorithm>
#include <cctype>

#include "core/json.h"
#include "core/text.h"
#include "switchboard/error.h"

namespace switchboard {
namespace {

using Strings = std::vector<std::string>;

// Calls fn(key, member) for every field of SiteConfig, in declaration order.
template <typename Site, typename Fn>
void for_each_field(Site& s, Fn&& fn) {
  fn("region", s.region);
  fn("fallback_regions", s.fallback_regions);
  fn("company_domains", s.company_domains);
  fn("internal_domains", s.internal_domains);
  fn("support_aliases", s.support_aliases);
  fn("sales_aliases", s.sales_aliases);
  fn("info_aliases", s.info_aliases);
  fn("open_ticket_statuses", s.open_ticket_statuses);
  fn("closed_ticket_statuses", s.closed_ticket_statuses);
  fn("closed_lead_statuses", s.closed_lead_statuses);
  fn("company_numbers", s.company_numbers);
}

bool is_region(const std::string& r) {
  return r.size() == 2 && std::isupper(static_cast<unsigned char>(r[0])) &&
         std::isupper(static_cast<unsigned char>(r[1]));
}

void read(const json::Json& v, const std::string& key, std::string& out) {
  if (!v.is_string()) throw ParseError("site setting '" + key + "' must be a string");
  out = v.get<std::string>();
}

void read(const json::Json& v, const std::string& key, Strings& out) {
  if (!v.is_array()) throw ParseError("site setting '" + key + "' must be a list of strings");
  out.clear();
  for (const auto& item : v) {
    if (!item.is_string())
      throw ParseError("site setting '" + key + "' must be a list of strings");
    out.push_back(item.get<std::string>());
  }
}

}  // namespace

void SiteConfig::validate() const {
  if (!is_region(region))
    throw ValidationError("site region '" + region + "' is not a two-letter region such as US");
  for (const auto& r : fallback_regions)
    if (!is_region(r))
      throw ValidationError("fallback region '" + r + "' is not a two-letter region such as GB");
  for_each_field(*this, [](const char* key, const auto& member) {
    if constexpr (std::is_same_v<std::decay_t<decltype(member)>, Strings>) {
      for (const auto& item : member)
        if (item.find_first_not_of(" \t\r\n") == std::string::npos)
          throw ValidationError(std::string("site setting '") + key + "' has an empty entry");
    }
  });
  for (const Strings* aliases : {&support_aliases, &sales_aliases, &info_aliases})
    for (const auto& a : *aliases)
      if (a.find('@') == std::string::npos || a.front() == '@' || a.back() == '@')
        throw ValidationError("routing alias '" + a + "' is not a mail address");
}

std::vector<std::string> SiteConfig::all_internal_domains() const {
  Strings out;
  for (const Strings* list : {&company_domains, &internal_domains})
    for (const auto& d : *list) {
      std::string l = text::lower_ascii(d);
      if (std::find(out.begin(), out.end(), l) == out.end()) out.push_back(std::move(l));
    }
  return out;
}

SiteConfig SiteConfig::from_json(std::string_view text) {
  const json::Json j = json::parse_object(text, "site settings");
  SiteConfig site;
  std::size_t known = 0;
  for_each_field(site, [&](const char* key, auto& member) {
    auto it = j.find(key);
    if (it == j.end()) return;
    ++known;
    read(*it, key, member);
  });
  if (known != j.size()) {
    for (const auto& [key, value] : j.items()) {
      bool found = false;
      for_each_field(site, [&](const char* k, const auto&) { found = found || key == k; });
      if (!found) throw ParseError("unknown site setting '" + key + "'");
    }
  }
  try {
    site.validate();
  } catch (const ValidationError& e) {  // bad input text: a parse error like any other
    throw ParseError(e.what());
  }
  return site;
}

std::string SiteConfig::to_json() const {
  nlohmann::ordered_json j;
  for_each_field(*this, [&](const char* key, const auto& member) { j[key] = member; });
  return json::dump(j);
}

bool operator==(const SiteConfig& a, const SiteConfig& b) { return a.to_json() == b.to_json(); }

}  // namespace switchboard
