// Internal: Frappe's naming rules (naming series patterns and random hashes).
#pragma once

#include <chrono>
#include <cstddef>
#include <ctime>
#include <string>
#include <string_view>

#include "switchboard/document.h"

namespace switchboard::naming {

/// A naming series pattern resolved for one document: name = prefix + counter padded to
/// `digits` + suffix. `prefix` is also the tabSeries key.
struct SeriesParts {
  std::string prefix;
  std::size_t digits = 5;
  std::string suffix;
};

/// Resolves "CRM-LEAD-.YYYY.-.#####" (tokens YYYY YY MM DD, {field}, ### runs, literals)
/// against the date `today` (in the store's time zone) and the document's fields. Throws
/// ValidationError when the pattern has no # run.
SeriesParts resolve_series(std::string_view pattern, const std::tm& today, const Document& doc);

/// prefix + zero-padded n + suffix.
std::string series_name(const SeriesParts& parts, std::int64_t n);

/// `length` lowercase base32hex characters: 4 from the clock, the rest random (Frappe v15).
std::string random_hash(std::size_t length = 10);

}  // namespace switchboard::naming
