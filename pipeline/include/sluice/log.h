// Logging for sluice processes (spdlog).
//
// Every process logs to stderr, one line per event, as text
//   2026-11-25 14:20:01.123 info  [clean/0] stage=clean worker=0 docs=1234 …
// or as JSON lines ({"ts":…,"level":…,"logger":…,"msg":…}) when format is "json". The level and
// format come from the pipeline config (log.level, log.format) and can be overridden with the
// environment variables SLUICE_LOG_LEVEL and SLUICE_LOG_FORMAT, which child processes inherit.
//
// Thread safety: SetupLogging is called once at start-up, before other threads exist; loggers
// are spdlog's multi-threaded sinks and may be used from any thread.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace sluice {

// Configures the default sink. `level`: trace, debug, info, warn, error, off. `format`: text or
// json. Unknown values fall back to info/text (with a warning).
void SetupLogging(const std::string& level = "info", const std::string& format = "text");

// Returns the logger named `name` ("supervisor", "clean/1" …), creating it on first use with the
// sink configured by SetupLogging.
std::shared_ptr<spdlog::logger> Logger(const std::string& name);

}  // namespace sluice
