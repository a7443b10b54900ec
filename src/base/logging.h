#pragma once
// Logging: one spdlog logger per component, structured key=value fields,
// text or JSON lines on stderr.
//
//   auto log = drs::GetLogger("reflector");
//   log->info(drs::Fields("watch restarted", {{"resource", gvr}, {"rv", rv}}));
//
// Levels: info = state changes, debug = per event, warn = retried errors,
// error = terminal. Never put SecretBytes, tokens or Secret data in fields.
//
// Thread-safety: thread-safe (spdlog loggers are).

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "base/result.h"

namespace drs {

enum class LogFormat { kText, kJson };

// Sets level and format for every logger, existing and future.
// Level names: trace, debug, info, warn, error, off.
Status InitLogging(std::string_view level, LogFormat format);
Result<LogFormat> ParseLogFormat(std::string_view name);

std::shared_ptr<spdlog::logger> GetLogger(const std::string& component);

using LogField = std::pair<std::string_view, std::string>;

// Renders a message with fields in the active format: `msg k=v k2="a b"` for
// text, `"msg":"...","k":"v"` (the inside of a JSON object) for JSON.
std::string Fields(std::string_view message, const std::vector<LogField>& fields);

}  // namespace drs
