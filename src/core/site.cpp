// SiteConfig: validation and JSON. One table of fields drives from_json, to_json and ==.
#include "switchboard/site.h"

#include "core/site_json.h"

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
  fn("brands", s.brands);
}

// Calls fn(key, member) for every field of Brand, in declaration order.
template <typename B, typename Fn>
void for_each_brand_field(B& b, Fn&& fn) {
  fn("name", b.name);
  fn("domains", b.domains);
  fn("support_aliases", b.support_aliases);
  fn("sales_aliases", b.sales_aliases);
  fn("info_aliases", b.info_aliases);
  fn("company_numbers", b.company_numbers);
  fn("reply_from", b.reply_from);
  fn("signature", b.signature);
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

void read(const json::Json& v, const std::string& key, std::vector<Brand>& out) {
  if (!v.is_array()) throw ParseError("site setting '" + key + "' must be a list of brands");
  out.clear();
  for (const auto& item : v) {
    if (!item.is_object()) throw ParseError("each brand must be a JSON object");
    Brand b;
    std::size_t known = 0;
    for_each_brand_field(b, [&](const char* k, auto& member) {
      auto it = item.find(k);
      if (it == item.end()) return;
      ++known;
      read(*it, std::string("brand ") + k, member);
    });
    if (known != item.size())
      for (const auto& entry : item.items()) {
        const std::string& k = entry.key();  // named, not bound: lambdas may not capture bindings
        bool found = false;
        for_each_brand_field(b, [&](const char* name, const auto&) { found = found || k == name; });
        if (!found) throw ParseError("unknown brand setting '" + k + "'");
      }
    out.push_back(std::move(b));
  }
}

// The brands as a JSON array of objects, each field in declaration order.
nlohmann::ordered_json brands_json(const std::vector<Brand>& brands) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& b : brands) {
    nlohmann::ordered_json j;
    for_each_brand_field(b, [&](const char* key, const auto& member) { j[key] = member; });
    out.push_back(std::move(j));
  }
  return out;
}

// A list setting's entries must not be blank; `what` names the setting in the message.
void check_entries(const Strings& entries, const std::string& what) {
  for (const auto& item : entries)
    if (item.find_first_not_of(" \t\r\n") == std::string::npos)
      throw ValidationError(what + " has an empty entry");
}

bool is_address(const std::string& a) {
  return a.find('@') != std::string::npos && a.front() != '@' && a.back() != '@';
}

// "Support+x@Example.COM" -> "support@example.com".
std::string base_address(std::string_view address) {
  std::string a = text::lower_ascii(text::trim(address));
  std::size_t at = a.rfind('@');
  if (at == std::string::npos) return a;
  std::size_t plus = a.find('+');
  if (plus != std::string::npos && plus < at) a.erase(plus, at - plus);
  return a;
}

Strings unite(const Strings& flat, Strings Brand::*member, const std::vector<Brand>& brands) {
  Strings out = flat;
  for (const auto& b : brands)
    for (const auto& item : b.*member)
      if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
  return out;
}

}  // namespace

std::vector<std::string> Brand::aliases() const {
  Strings out = support_aliases;
  out.insert(out.end(), sales_aliases.begin(), sales_aliases.end());
  out.insert(out.end(), info_aliases.begin(), info_aliases.end());
  return out;
}

namespace site_detail {

std::string brands_to_json(const std::vector<Brand>& brands) { return json::dump(brands_json(brands)); }

std::vector<Brand> brands_from_json(std::string_view text) {
  std::vector<Brand> out;
  if (text::trim(text).empty()) return out;
  read(json::parse(text, "brands"), "brands", out);
  return out;
}

}  // namespace site_detail

void SiteConfig::validate() const {
  if (!is_region(region))
    throw ValidationError("site region '" + region + "' is not a two-letter region such as US");
  for (const auto& r : fallback_regions)
    if (!is_region(r))
      throw ValidationError("fallback region '" + r + "' is not a two-letter region such as GB");
  for_each_field(*this, [](const char* key, const auto& member) {
    if constexpr (std::is_same_v<std::decay_t<decltype(member)>, std::vector<Brand>>) {
      return;
    } else if constexpr (std::is_same_v<std::decay_t<decltype(member)>, Strings>) {
      check_entries(member, std::string("site setting '") + key + "'");
    }
  });
  for (const Strings* aliases : {&support_aliases, &sales_aliases, &info_aliases})
    for (const auto& a : *aliases)
      if (!is_address(a)) throw ValidationError("routing alias '" + a + "' is not a mail address");
  Strings names;
  for (const auto& b : brands) {
    if (text::trim(b.name).empty()) throw ValidationError("a brand has no name");
    if (std::find(names.begin(), names.end(), b.name) != names.end())
      throw ValidationError("brand '" + b.name + "' is listed twice");
    names.push_back(b.name);
    for_each_brand_field(b, [&](const char* key, const auto& member) {
      if constexpr (std::is_same_v<std::decay_t<decltype(member)>, Strings>)
        check_entries(member, "brand '" + b.name + "' setting '" + key + "'");
    });
    for (const auto& a : b.aliases())
      if (!is_address(a))
        throw ValidationError("brand '" + b.name + "' alias '" + a + "' is not a mail address");
    if (!b.reply_from.empty() && !is_address(b.reply_from))
      throw ValidationError("brand '" + b.name + "' reply_from '" + b.reply_from +
                            "' is not a mail address");
  }
  // An alias names one brand at most.
  for (std::size_t i = 0; i < brands.size(); ++i)
    for (std::size_t j = i + 1; j < brands.size(); ++j)
      for (const auto& a : brands[i].aliases())
        for (const auto& other : brands[j].aliases())
          if (base_address(a) == base_address(other))
            throw ValidationError("alias '" + a + "' belongs to brands '" + brands[i].name +
                                  "' and '" + brands[j].name + "'");
}

std::vector<std::string> SiteConfig::all_internal_domains() const {
  Strings out;
  std::vector<const Strings*> lists{&company_domains, &internal_domains};
  for (const auto& b : brands) lists.push_back(&b.domains);
  for (const Strings* list : lists)
    for (const auto& d : *list) {
      std::string l = text::lower_ascii(d);
      if (std::find(out.begin(), out.end(), l) == out.end()) out.push_back(std::move(l));
    }
  return out;
}

std::vector<std::string> SiteConfig::all_support_aliases() const {
  return unite(support_aliases, &Brand::support_aliases, brands);
}
std::vector<std::string> SiteConfig::all_sales_aliases() const {
  return unite(sales_aliases, &Brand::sales_aliases, brands);
}
std::vector<std::string> SiteConfig::all_info_aliases() const {
  return unite(info_aliases, &Brand::info_aliases, brands);
}
std::vector<std::string> SiteConfig::all_company_numbers() const {
  return unite(company_numbers, &Brand::company_numbers, brands);
}

const Brand* SiteConfig::brand_of(std::string_view address) const {
  if (brands.empty()) return nullptr;
  const std::string base = base_address(address);
  if (base.empty()) return nullptr;
  for (const Strings* flat : {&support_aliases, &sales_aliases, &info_aliases})
    for (const auto& a : *flat)
      if (base_address(a) == base) return nullptr;
  for (const auto& b : brands)
    for (const auto& a : b.aliases())
      if (base_address(a) == base) return &b;
  std::size_t at = base.rfind('@');
  std::string_view domain = at == std::string::npos ? std::string_view() : std::string_view(base).substr(at + 1);
  if (domain.empty()) return nullptr;
  for (const auto& b : brands)
    for (const auto& d : b.domains)
      if (text::domain_within(domain, text::lower_ascii(text::trim(d)))) return &b;
  return nullptr;
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
    for (const auto& entry : j.items()) {
      const std::string& key = entry.key();  // named, not bound: lambdas may not capture bindings
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
  for_each_field(*this, [&](const char* key, const auto& member) {
    if constexpr (std::is_same_v<std::decay_t<decltype(member)>, std::vector<Brand>>)
      j[key] = brands_json(member);
    else
      j[key] = member;
  });
  return json::dump(j);
}

bool operator==(const SiteConfig& a, const SiteConfig& b) { return a.to_json() == b.to_json(); }

}  // namespace switchboard
