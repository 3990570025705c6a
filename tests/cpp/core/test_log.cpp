// Diagnostics: one process-wide sink, levels, and a sink that misbehaves.
#include <doctest/doctest.h>

#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "switchboard/switchboard.h"
#include "test_support.h"

using namespace switchboard;

namespace {

struct Captured {
  std::mutex mutex;
  std::vector<std::string> lines;
  void add(LogLevel level, const std::string& category, const std::string& message) {
    std::lock_guard<std::mutex> lock(mutex);
    lines.push_back(std::string(log_level_name(level)) + " " + category + ": " + message);
  }
};

// Restores the default sink when a test ends, whatever happens.
struct SinkGuard {
  ~SinkGuard() { set_log_sink({}); }
};

}  // namespace

TEST_CASE("log: lines at or above the level reach the sink, from any thread") {
  SinkGuard guard;
  Captured c;
  set_log_sink([&](LogLevel l, const std::string& cat, const std::string& m) { c.add(l, cat, m); },
               LogLevel::kInfo);
  CHECK(!log_enabled(LogLevel::kDebug));
  CHECK(log_enabled(LogLevel::kWarning));
  log(LogLevel::kDebug, "test", "hidden");
  log(LogLevel::kInfo, "test", "shown");
  std::thread([] { log(LogLevel::kError, "thread", "from another thread"); }).join();
  REQUIRE(c.lines == std::vector<std::string>{"info test: shown", "error thread: from another thread"});
}

TEST_CASE("log: a throwing sink is ignored, and the default comes back") {
  SinkGuard guard;
  set_log_sink([](LogLevel, const std::string&, const std::string&) { throw std::runtime_error("x"); },
               LogLevel::kDebug);
  log(LogLevel::kError, "test", "nothing escapes");  // noexcept: would terminate otherwise
  set_log_sink({});
  CHECK(log_enabled(LogLevel::kError) == (std::getenv("SWITCHBOARD_LOG") != nullptr));
}

TEST_CASE("log: opening and creating SQLite databases is logged") {
  SinkGuard guard;
  Captured c;
  set_log_sink([&](LogLevel l, const std::string& cat, const std::string& m) { c.add(l, cat, m); },
               LogLevel::kDebug);
  test_support::TempDir dir;
  std::string path = dir.file("logged.sqlite");
  make_sqlite_store(path);
  SqliteOptions ro;
  ro.path = path;
  ro.read_only = true;
  make_sqlite_store(ro);
  REQUIRE(c.lines.size() == 3);
  CHECK(c.lines[0] == "info sqlite: '" + path + "': creating the tables (schema version 1)");
  CHECK(c.lines[1] == "debug sqlite: opened '" + path + "'");
  CHECK(c.lines[2] == "debug sqlite: opened '" + path + "' read-only");
}
