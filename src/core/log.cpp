#include "switchboard/log.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>

namespace switchboard {
namespace {

constexpr int kOff = 99;

// The level $SWITCHBOARD_LOG asks the default sink for (kOff when unset).
int env_level() {
  const char* v = std::getenv("SWITCHBOARD_LOG");
  if (!v) return kOff;
  std::string s(v);
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s == "debug" ? 0 : s == "info" ? 1 : s == "warning" ? 2 : s == "error" ? 3 : kOff;
}

struct State {
  std::mutex mutex;
  std::shared_ptr<const LogSink> sink;  // null: the default sink
  std::atomic<int> min_level{kOff};
};

State& state() {
  static State* s = [] {
    auto* st = new State;  // never destroyed: threads may log during exit
    st->min_level = env_level();
    return st;
  }();
  return *s;
}

void default_sink(LogLevel level, const std::string& category, const std::string& message) {
  std::fprintf(stderr, "switchboard %s %s: %s\n", category.c_str(), log_level_name(level),
               message.c_str());
}

}  // namespace

const char* log_level_name(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "info";
}

void set_log_sink(LogSink sink, LogLevel min_level) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (sink) {
    s.sink = std::make_shared<const LogSink>(std::move(sink));
    s.min_level = static_cast<int>(min_level);
  } else {
    s.sink.reset();
    s.min_level = env_level();
  }
}

bool log_enabled(LogLevel level) noexcept {
  return static_cast<int>(level) >= state().min_level.load(std::memory_order_relaxed);
}

void log(LogLevel level, std::string_view category, std::string_view message) noexcept {
  if (!log_enabled(level)) return;
  try {
    std::shared_ptr<const LogSink> sink;
    {
      State& s = state();
      std::lock_guard<std::mutex> lock(s.mutex);
      sink = s.sink;
    }
    std::string c(category), m(message);
    if (sink) (*sink)(level, c, m);
    else default_sink(level, c, m);
  } catch (...) {
  }
}

}  // namespace switchboard
