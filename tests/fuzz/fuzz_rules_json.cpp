// Fuzz target: routing rules and site settings as JSON. RoutingRules::from_json and
// SiteConfig::from_json return a value or throw ParseError, nothing else; what they return
// survives a JSON round trip unchanged. Any other outcome aborts.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "switchboard/error.h"
#include "switchboard/routing.h"
#include "switchboard/site.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto rules = switchboard::RoutingRules::from_json(text);
    std::string json = rules.to_json();
    if (switchboard::RoutingRules::from_json(json).to_json() != json) std::abort();
  } catch (const switchboard::ParseError&) {
  }
  try {
    auto site = switchboard::SiteConfig::from_json(text);
    std::string json = site.to_json();
    if (switchboard::SiteConfig::from_json(json).to_json() != json) std::abort();
  } catch (const switchboard::ParseError&) {
  }
  return 0;
}
