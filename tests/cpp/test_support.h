// Shared helpers for the C++ tests: temporary directories and whole-store snapshots.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "source_paths.h"
#include "switchboard/switchboard.h"

namespace test_support {

/// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("switchboard-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Collects the diagnostics lines of one category (every level) as "level message" while it
/// lives; the default sink comes back when it goes.
class LogCapture {
 public:
  explicit LogCapture(std::string category) : category_(std::move(category)) {
    switchboard::set_log_sink(
        [this](switchboard::LogLevel level, const std::string& cat, const std::string& message) {
          if (cat != category_) return;
          std::lock_guard<std::mutex> lock(mutex_);
          lines_.push_back(std::string(switchboard::log_level_name(level)) + " " + message);
        },
        switchboard::LogLevel::kDebug);
  }
  ~LogCapture() { switchboard::set_log_sink({}); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }

 private:
  std::string category_;
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

/// The test company's site, shared with the Python tests (tests/data/site.json): region US,
/// company domains cozycornerpatios.com and zipcushions.com with their support@, sales@ and
/// info@ aliases, company number +15559876543. `region` replaces the region when given.
inline switchboard::SiteConfig site(const std::string& region = "") {
  std::ifstream in(std::filesystem::path(SWITCHBOARD_SOURCE_DIR) / "tests" / "data" / "site.json");
  std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  switchboard::SiteConfig s = switchboard::SiteConfig::from_json(json);
  if (!region.empty()) s.region = region;
  return s;
}

/// `store` with the test company's site set (in memory); returns it.
inline std::shared_ptr<switchboard::Store> with_site(std::shared_ptr<switchboard::Store> store,
                                                     const std::string& region = "") {
  store->set_site(site(region));
  return store;
}

/// A memory store of the test company's site.
inline std::shared_ptr<switchboard::Store> site_store(const std::string& region = "") {
  return with_site(switchboard::make_memory_store(), region);
}

/// Every document of every doctype (plus naming counters), ordered by name: two snapshots
/// are equal exactly when the stores hold the same data.
inline std::map<std::string, std::vector<switchboard::Document>> snapshot(switchboard::Store& s) {
  std::map<std::string, std::vector<switchboard::Document>> out;
  for (const auto& def : s.schema().doctypes())
    out[def->name] = s.find(def->name, switchboard::Query().order("name"));
  return out;
}

/// Every document of every doctype as text, with generated names (hash-named doctypes, and
/// field-named rows whose field was empty) replaced by a placeholder wherever they appear and
/// each doctype's rows sorted: equal for two stores that hold the same records apart from
/// their random names. Without `with_times`, creation and modified are left out (stores
/// opened at different moments).
inline std::map<std::string, std::vector<std::string>> canonical_snapshot(switchboard::Store& s,
                                                                          bool with_times = true) {
  std::set<std::string> generated;
  for (const auto& def : s.schema().doctypes()) {
    if (def->naming == switchboard::NamingRule::kHash) {
      for (const auto& row : s.find(def->name, switchboard::Query().select({"name"})))
        generated.insert(row.name());
    } else if (def->naming == switchboard::NamingRule::kField) {
      for (const auto& row : s.find(def->name, switchboard::Query().select({"name", def->naming_arg})))
        if (row.text(def->naming_arg) != row.name()) generated.insert(row.name());
    }
  }
  generated.erase("");
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& def : s.schema().doctypes()) {
    auto& rows = out[def->name];
    for (const auto& row : s.find(def->name)) {
      std::string line;
      for (const auto& field : row) {
        if (!with_times && (field.first == "creation" || field.first == "modified")) continue;
        std::string v = row.text(field.first);
        line += field.first + "=" + (generated.count(v) ? "<generated>" : v) + "; ";
      }
      rows.push_back(std::move(line));
    }
    std::sort(rows.begin(), rows.end());
  }
  return out;
}

/// "" when two canonical snapshots are equal, else the first difference (for failure messages).
inline std::string snapshot_difference(const std::map<std::string, std::vector<std::string>>& a,
                                       const std::map<std::string, std::vector<std::string>>& b) {
  for (const auto& [doctype, rows] : a) {
    auto it = b.find(doctype);
    const std::vector<std::string> none;
    const auto& other = it == b.end() ? none : it->second;
    if (rows == other) continue;
    std::string out = doctype + ": " + std::to_string(rows.size()) + " vs " + std::to_string(other.size()) + " rows";
    for (std::size_t i = 0; i < std::max(rows.size(), other.size()); ++i) {
      std::string x = i < rows.size() ? rows[i] : "(none)", y = i < other.size() ? other[i] : "(none)";
      if (x != y) return out + "\n  " + x + "\n  " + y;
    }
    return out;
  }
  return a.size() == b.size() ? "" : "different doctypes";
}

/// Factories for the contract suite.
struct MemoryFactory {
  static std::shared_ptr<switchboard::Store> make() { return switchboard::make_memory_store(); }
};

struct SqliteFactory {
  static std::shared_ptr<switchboard::Store> make() {
    static TempDir dir;
    static int counter = 0;
    return switchboard::make_sqlite_store(dir.file("contract-" + std::to_string(++counter) + ".sqlite"));
  }
};

/// The same backends with the test company's site (tests/data/site.json).
struct SiteMemoryFactory {
  static std::shared_ptr<switchboard::Store> make() { return with_site(MemoryFactory::make()); }
};

struct SiteSqliteFactory {
  static std::shared_ptr<switchboard::Store> make() { return with_site(SqliteFactory::make()); }
};

struct FaultyMemoryFactory {
  static std::shared_ptr<switchboard::Store> make() {
    return switchboard::make_faulty_store(MemoryFactory::make());
  }
};

struct FaultySqliteFactory {
  static std::shared_ptr<switchboard::Store> make() {
    return switchboard::make_faulty_store(SqliteFactory::make());
  }
};

// A backend that fails every insert into one doctype of a row naming `needle`: an item that
// fails each time it is written (a FaultPlan fault happens once).
class Poisoned : public switchboard::ForwardingBackend {
 public:
  Poisoned(std::shared_ptr<switchboard::Store> inner, std::string doctype, std::string needle)
      : ForwardingBackend(std::move(inner)), doctype_(std::move(doctype)), needle_(std::move(needle)) {}
  std::string insert(std::string_view doctype, const switchboard::Document& doc) override {
    if (doctype == doctype_)
      for (const auto& field : doc)
        if (field.second.to_text().find(needle_) != std::string::npos)
          throw switchboard::StoreError(switchboard::ErrorCode::kInjectedFault, "injected: poisoned " + doctype_);
    return ForwardingBackend::insert(doctype, doc);
  }

 private:
  std::string doctype_, needle_;
};

}  // namespace test_support
