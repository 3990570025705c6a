// Fuzz target: phone numbers. The first byte picks a region, the rest is the number. For any
// input: the fast path and libphonenumber give the same key; a key is canonical E.164 (a
// valid number's key is its own key); normalize_phone, phone_key and phone_match agree (only
// keyed input matches exactly); click_to_call either links the key or refuses with
// ValidationError. Any other outcome aborts.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "phone/phone_internal.h"
#include "switchboard/error.h"
#include "switchboard/phone.h"

namespace {

const char* const kRegions[] = {"US", "CA", "GB", "DE", "FR", "IN", "AU", "BR", "MX", "JP", "AE", "NG"};

// Aborts with the broken property and the input, so a failing corpus file explains itself.
#define require(cond) \
  do { \
    if (!(cond)) { \
      std::fprintf(stderr, "fuzz_phone: %s fails for region %s, input \"%.*s\"\n", #cond, \
                   region.c_str(), static_cast<int>(raw.size()), raw.data()); \
      std::abort(); \
    } \
  } while (0)

// "+", a country code, a national number. libphonenumber's possible lengths go past E.164's 15
// digits (Japan allows 17 national digits), so the bound is its own: 3 + 17 digits.
bool is_e164(const std::string& key) {
  if (key.size() < 3 || key.size() > 21 || key[0] != '+' || key[1] == '0') return false;
  for (std::size_t i = 1; i < key.size(); ++i)
    if (key[i] < '0' || key[i] > '9') return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string region = kRegions[data[0] % (sizeof kRegions / sizeof *kRegions)];
  std::string_view raw(reinterpret_cast<const char*>(data + 1), size - 1);
  namespace pd = switchboard::phone_detail;

  pd::KeyParts fast, slow;
  bool has_fast = pd::key_parts(raw, region, fast, true);
  bool has_slow = pd::key_parts_slow(raw, region, slow);
  require(has_fast == has_slow);
  if (has_fast) require(fast.e164 == slow.e164 && fast.extension == slow.extension);

  std::optional<std::string> key = switchboard::phone_key(raw, region);
  require(key.has_value() == has_slow);
  std::optional<switchboard::Phone> phone = switchboard::normalize_phone(raw, region);
  if (key) {
    require(is_e164(*key) && *key == slow.e164);
    require(phone && phone->key() == *key);
    // A valid number's key is its own key. (Not so for every possible one: libphonenumber
    // keeps a national prefix it cannot place, "0/03123 455" in NG gives +23403123455, and
    // reading that back strips it. Keys are libphonenumber's answer, quirks included.)
    if (phone->valid) require(switchboard::phone_key(*key, region) == key);
    require(switchboard::phone_match(raw, raw, region) == switchboard::PhoneMatch::kExact);
  } else {
    require(!phone || phone->key().empty());
    // Without a key nothing may merge; what is not a number at all matches nothing.
    switchboard::PhoneMatch self = switchboard::phone_match(raw, raw, region);
    require(self != switchboard::PhoneMatch::kExact);
    if (!phone) require(self == switchboard::PhoneMatch::kNone);
  }
  try {
    switchboard::ClickToCall links = switchboard::click_to_call(raw, region);
    require(key && links.e164 == *key && links.tel.rfind("tel:" + *key, 0) == 0);
  } catch (const switchboard::ValidationError&) {
  }
  (void)switchboard::digits_only(raw);
  return 0;
}
