// Shared helpers for the C++ tests: temporary directories and whole-store snapshots.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

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

/// Every document of every doctype (plus naming counters), ordered by name: two snapshots
/// are equal exactly when the stores hold the same data.
inline std::map<std::string, std::vector<switchboard::Document>> snapshot(switchboard::Store& s) {
  std::map<std::string, std::vector<switchboard::Document>> out;
  for (const auto& def : s.schema().doctypes())
    out[def->name] = s.find(def->name, switchboard::Query().order("name"));
  return out;
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

}  // namespace test_support
