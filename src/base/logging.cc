#include "base/logging.h"

#include <atomic>
#include <mutex>

#include <spdlog/sinks/stdout_sinks.h>
#include <nlohmann/json.hpp>

namespace drs {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};

constexpr const char* kTextPattern = "%Y-%m-%dT%H:%M:%S.%eZ %^%L%$ [%n] %v";
constexpr const char* kJsonPattern =
    R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","component":"%n",%v})";

bool NeedsQuotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\n' || c == '\t') return true;
  }
  return false;
}

// A quoted, escaped string; invalid UTF-8 is replaced rather than thrown on.
std::string JsonString(std::string_view v) {
  return nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

Result<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return InvalidError("log format '" + std::string(name) + "' is not one of text, json");
}

Status InitLogging(std::string_view level, LogFormat format) {
  const auto parsed = spdlog::level::from_str(std::string(level));
  // from_str maps unknown names to "off"; only accept "off" when asked for.
  if (parsed == spdlog::level::off && level != "off") {
    return InvalidError("log level '" + std::string(level) +
                        "' is not one of trace, debug, info, warn, error, off");
  }
  g_format = format;
  spdlog::set_level(parsed);
  spdlog::set_pattern(format == LogFormat::kJson ? kJsonPattern : kTextPattern,
                      spdlog::pattern_time_type::utc);
  return OkStatus();
}

std::shared_ptr<spdlog::logger> GetLogger(const std::string& component) {
  // spdlog's registry throws when two threads create the same name at once.
  static std::mutex mu;
  std::lock_guard lock(mu);
  if (auto existing = spdlog::get(component)) return existing;
  return spdlog::stderr_logger_mt(component);  // takes the global level and pattern
}

std::string Fields(std::string_view message, const std::vector<LogField>& fields) {
  if (g_format == LogFormat::kJson) {
    std::string out = "\"msg\":" + JsonString(message);
    for (const auto& [k, v] : fields) {
      out += "," + JsonString(k) + ":" + JsonString(v);
    }
    return out;
  }
  std::string out(message);
  for (const auto& [k, v] : fields) {
    out += ' ';
    out += k;
    out += '=';
    out += NeedsQuotes(v) ? JsonString(v) : v;
  }
  return out;
}

}  // namespace drs
