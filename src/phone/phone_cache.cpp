// A per-thread cache of recent phone keys: the same numbers come back again and again (callers,
// a contact's records, a mailbox's senders), and libphonenumber costs about 10 µs a parse. Keys
// are pure functions of (input, region or site), so an entry never goes stale.
#include <atomic>
#include <functional>
#include <memory>

#include "phone_internal.h"

namespace switchboard::phone_detail {
namespace {

constexpr std::size_t kSlots = 1024;       // direct-mapped: one slot per hash
constexpr std::size_t kMaxCachedInput = 48;  // longer inputs are rare and not worth a slot

std::atomic<bool> g_cache{true};

struct Slot {
  std::string raw, context;
  bool used = false, has = false;
  KeyParts parts;
};

Slot& slot_for(std::string_view raw, std::string_view context) {
  thread_local std::unique_ptr<Slot[]> slots(new Slot[kSlots]);
  const std::size_t h = std::hash<std::string_view>()(raw) * 31 + std::hash<std::string_view>()(context);
  return slots[h % kSlots];
}

}  // namespace

void set_key_cache_enabled(bool enabled) { g_cache.store(enabled, std::memory_order_relaxed); }
bool key_cache_enabled() { return g_cache.load(std::memory_order_relaxed); }

bool cached_key_parts(std::string_view raw, std::string_view context, KeyParts& out,
                      const std::function<bool(KeyParts&)>& compute) {
  if (raw.size() > kMaxCachedInput || !key_cache_enabled()) return compute(out);
  Slot& s = slot_for(raw, context);
  if (s.used && s.raw == raw && s.context == context) {
    if (s.has) out = s.parts;
    return s.has;
  }
  const bool has = compute(out);
  s.used = true;
  s.has = has;
  s.raw.assign(raw);
  s.context.assign(context);
  if (has) s.parts = out;
  return has;
}

}  // namespace switchboard::phone_detail
