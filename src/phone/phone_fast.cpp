// The fast path of phone_key: the common North American shapes in region US, decided without
// libphonenumber. It accepts only inputs whose libphonenumber result is certain (proved by the
// differential test in tests/cpp/phone/test_phone_differential.cpp); all else falls back.
#include <atomic>

#include "phone_internal.h"

namespace switchboard::phone_detail {
namespace {

std::atomic<bool> g_fast_path{true};

constexpr std::size_t kMaxFastInput = 40;

bool is_separator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/';
}

}  // namespace

void set_fast_path_enabled(bool enabled) { g_fast_path.store(enabled, std::memory_order_relaxed); }
bool fast_path_enabled() { return g_fast_path.load(std::memory_order_relaxed); }

bool fast_nanp_key(std::string_view raw, std::string& e164) {
  if (raw.size() > kMaxFastInput) return false;
  char digits[11];
  int count = 0;
  std::size_t i = 0;
  while (i < raw.size() && raw[i] == ' ') ++i;
  const bool plus = i < raw.size() && raw[i] == '+';
  if (plus) ++i;
  for (; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c >= '0' && c <= '9') {
      if (count == 11) return false;
      digits[count++] = c;
    } else if (!is_separator(c)) {
      return false;  // letters, extensions, Unicode, a second '+': libphonenumber decides
    }
  }
  const char* nsn = nullptr;
  if (count == 11 && digits[0] == '1') nsn = digits + 1;  // +1 NXX..., or 1 NXX... (trunk 1)
  else if (count == 10 && !plus) nsn = digits;            // NXX NXX XXXX
  else return false;
  // Area codes start with 2-9; anything else goes through libphonenumber's prefix rules.
  if (nsn[0] < '2') return false;
  e164.assign("+1", 2);
  e164.append(nsn, 10);
  return true;
}

}  // namespace switchboard::phone_detail
