// Internal: the phone layer's shared pieces (libphonenumber access, the key computation with
// and without the fast path, the stored-key schema). Tests and benchmarks include it.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace i18n::phonenumbers {
class PhoneNumber;
class PhoneNumberUtil;
}

namespace switchboard {
class Schema;
struct SiteConfig;
}

namespace switchboard::phone_detail {

/// The libphonenumber singleton (thread-safe).
const i18n::phonenumbers::PhoneNumberUtil& util();

/// `region` upper-cased and checked. Throws ValidationError for "" and unknown regions.
std::string resolve_region(std::string_view region);

/// The parts of a key: E.164 of a possible number and its extension.
struct KeyParts {
  std::string e164;
  std::string extension;
};

/// Computes the key of `raw` in a resolved region; false when there is none. `fast` allows
/// the fast path (when enabled globally). Never throws for any input.
bool key_parts(std::string_view raw, const std::string& region, KeyParts& out, bool fast = true);

/// libphonenumber's E.164 of `number`, made a fixed point: when a valid number's E.164 reads
/// back as another valid number (Mexico's old mobile "1": +52 1 55… reads as +52 55…),
/// `number` becomes the one read back, so that a key is its own key and the spellings that
/// read as either number key alike. Keeps the extension.
std::string settled_e164(i18n::phonenumbers::PhoneNumber& number);

/// The number `raw` is on `site` (phone_key(raw, site) explains the reading): true with the
/// number parsed (possible or not), and the region it was read in ("ZZ" for an international
/// prefix written instead of "+"), when any reading parses. Throws ValidationError for
/// unknown regions.
bool read_on_site(std::string_view raw, const SiteConfig& site,
                  i18n::phonenumbers::PhoneNumber& number, std::string* region_used = nullptr);
/// The key a store with `site` stores for `raw`; false when there is none. `fast` allows the
/// fast path where it cannot change the answer (fast_path_safe).
bool site_key_parts(std::string_view raw, const SiteConfig& site, KeyParts& out, bool fast = true);
/// Whether the North American fast path gives the site's answer: region US and every fallback
/// region either North American or with the trunk prefix "0".
bool fast_path_safe(const SiteConfig& site);

/// The same answer straight from libphonenumber (the definition of a key).
bool key_parts_slow(std::string_view raw, const std::string& region, KeyParts& out);

/// The fast path for region US: true when `raw` has one of the common North American shapes
/// (ASCII digits and the separators " -.()/", optional leading "+", 10 digits or 1 + 10), in
/// which case `e164` is the key; false when libphonenumber must decide.
bool fast_nanp_key(std::string_view raw, std::string& e164);

/// What a fast path knows: the key, that there is none, or nothing (libphonenumber decides).
enum class FastAnswer { kUnknown, kKey, kNoKey };

/// The fast path for numbers written with "+" and a country code (in region US also "011"
/// and a country code, or a leading 0),
/// ASCII digits and the separators " -.()/": libphonenumber's answer whenever it is not
/// kUnknown, which it is for anything the parser could treat otherwise (national prefixes,
/// leading zeros, non-geographic codes, extensions, letters).
FastAnswer fast_international_key(std::string_view raw, std::string_view region, std::string& e164);

/// Both fast paths, on `raw` with a plain extension (" x22", " ext. 22", ";ext=22") split
/// off first: libphonenumber's key and extension whenever the answer is not kUnknown.
FastAnswer fast_key(std::string_view raw, std::string_view region, KeyParts& out);

/// Process-wide switch for the fast path (on by default); for tests and benchmarks.
void set_fast_path_enabled(bool enabled);
bool fast_path_enabled();

/// The key of `raw` in `context` (a region, or a site's readings) from this thread's cache of
/// recent keys, else `compute(out)`, remembered. Thread-safe (one cache per thread).
bool cached_key_parts(std::string_view raw, std::string_view context, KeyParts& out,
                      const std::function<bool(KeyParts&)>& compute);
/// Process-wide switch for the cache (on by default); for tests and benchmarks.
void set_key_cache_enabled(bool enabled);
bool key_cache_enabled();

/// Adds the stored phone-key fields (and their derivation) to the standard schema.
void add_phone_key_schema(Schema& schema);

}  // namespace switchboard::phone_detail
