// The reference cases of ../shared/reference/phones-and-merge.md (section 5), shared with the
// Python tests: tests/data/phone/reference_cases.jsonl; and the readings of a site,
// tests/data/phone/site_cases.jsonl.
#pragma once

#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "source_paths.h"

namespace phone_cases {

struct Case {
  std::string region, raw, key, ext, note;
  int valid = -1;  // -1: not asserted
};

inline std::string data_dir() {
  return std::string(SWITCHBOARD_SOURCE_DIR) + "/tests/data/phone/";
}

inline std::vector<Case> load() {
  std::ifstream in(data_dir() + "reference_cases.jsonl");
  std::vector<Case> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line);
    Case c;
    c.region = j.at("region");
    c.raw = j.at("raw");
    c.key = j.at("key").is_null() ? "" : j.at("key").get<std::string>();
    c.ext = j.at("ext");
    c.note = j.value("note", "");
    if (j.contains("valid")) c.valid = j.at("valid").get<bool>() ? 1 : 0;
    out.push_back(std::move(c));
  }
  return out;
}

/// A case of tests/data/phone/site_cases.jsonl: the key a site reads.
struct SiteCase {
  std::string region, raw, key, note;
  std::vector<std::string> fallback_regions;
};

inline std::vector<SiteCase> load_site_cases() {
  std::ifstream in(data_dir() + "site_cases.jsonl");
  std::vector<SiteCase> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line);
    SiteCase c;
    c.region = j.at("region");
    c.raw = j.at("raw");
    c.key = j.at("key").is_null() ? "" : j.at("key").get<std::string>();
    c.note = j.value("note", "");
    c.fallback_regions = j.at("fallback_regions").get<std::vector<std::string>>();
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace phone_cases
