// Test helper: the telephony fixtures in tests/data/telephony/.
#pragma once

#include <fstream>
#include <iterator>
#include <string>

#include "source_paths.h"

#ifndef SWITCHBOARD_SOURCE_DIR
#error "SWITCHBOARD_SOURCE_DIR must be defined by the test build"
#endif

inline std::string telephony_fixture(const std::string& name) {
  std::ifstream in(std::string(SWITCHBOARD_SOURCE_DIR) + "/tests/data/telephony/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + name);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
