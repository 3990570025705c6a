// Fuzz target: parse_call_event must return an event or throw ParseError — nothing else.
#include <cstdint>
#include <string_view>

#include "switchboard/telephony.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    switchboard::CallEvent ev = switchboard::parse_call_event(body);
    (void)ev.upsert_key();
  } catch (const switchboard::ParseError&) {
  }
  return 0;
}
