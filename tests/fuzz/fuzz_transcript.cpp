// Fuzz target: format_transcript returns text or throws ParseError.
#include <cstdint>
#include <string_view>

#include "switchboard/telephony.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    (void)switchboard::format_transcript(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const switchboard::ParseError&) {
  }
  return 0;
}
