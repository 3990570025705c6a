// switchboard: diagnostics — what the library is doing, for whoever wants to watch.
//
// Every diagnostic line (a level, a category such as "sqlite" or "ringcentral", a message that
// never holds a secret or a mail body) goes to one process-wide sink; nothing is written to a
// store. The default sink writes to stderr when the environment variable SWITCHBOARD_LOG is
// "debug", "info", "warning" or "error" (that level and above), else nowhere. frontdesk -v and
// the Python package (the `logging` logger "switchboard.<category>") install their own.
// Thread-safe: lines may come from any thread; a sink must accept concurrent calls.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "switchboard/export.h"

namespace switchboard {

enum class LogLevel : int { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

/// Receives one diagnostic line. Called without any switchboard lock held.
using LogSink =
    std::function<void(LogLevel level, const std::string& category, const std::string& message)>;

/// Replaces the sink and the lowest level passed to it; an empty sink restores the default.
SWITCHBOARD_EXPORT void set_log_sink(LogSink sink, LogLevel min_level = LogLevel::kInfo);

/// Whether a line at `level` reaches a sink (cheap: check before building a costly message).
SWITCHBOARD_EXPORT bool log_enabled(LogLevel level) noexcept;

/// Passes one line to the sink. Never throws: a sink that throws is ignored.
SWITCHBOARD_EXPORT void log(LogLevel level, std::string_view category,
                            std::string_view message) noexcept;

/// "debug", "info", "warning", "error".
SWITCHBOARD_EXPORT const char* log_level_name(LogLevel level) noexcept;

}  // namespace switchboard
