// Fuzz target: extract_recording_id never throws, and what it returns builds a media URL.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "switchboard/telephony.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto id = switchboard::extract_recording_id(std::string_view(reinterpret_cast<const char*>(data), size));
  if (id) {
    std::string url = switchboard::recording_url(*id);  // must not throw for an extracted id
    if (switchboard::extract_recording_id(url) != id) std::abort();
  }
  return 0;
}
