// Internal: the JSON of SiteConfig::brands, as "Switchboard Settings" stores it (one field).
// Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "switchboard/site.h"

namespace switchboard::site_detail {

/// The brands as a JSON array of objects (SiteConfig::to_json's "brands").
std::string brands_to_json(const std::vector<Brand>& brands);
/// Reads brands_to_json's text back; "" is no brand. Throws ParseError for bad JSON, unknown
/// keys and wrong types (validation is SiteConfig::validate's).
std::vector<Brand> brands_from_json(std::string_view text);

}  // namespace switchboard::site_detail
