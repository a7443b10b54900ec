#include "mover/pull_command.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/logging.h"
#include "mover/pull.h"
#include "mover/pull_options.h"
#include "mover/pull_result.h"
#include "mover/stop_on_signal.h"

namespace drs::mover {
namespace {

constexpr std::string_view kTerminationLogFlag = "--termination-log";

// Where the result goes when the flags could not be parsed: the
// --termination-log value if it can be found, else DRS_TERMINATION_LOG,
// else the default.
std::string FallbackTerminationLog(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with(std::string(kTerminationLogFlag) + "=")) {
      return std::string(arg.substr(kTerminationLogFlag.size() + 1));
    }
    if (arg == kTerminationLogFlag && i + 1 < argc) return argv[i + 1];
  }
  if (const char* env = std::getenv("DRS_TERMINATION_LOG"); env != nullptr) return env;
  return PullOptions{}.termination_log;
}

// Writes the result where the controller reads it, and on stdout for
// people running the mover by hand. Outside Kubernetes the default
// /dev/termination-log does not exist and is not created.
void Report(const PullResult& result, const std::string& termination_log) {
  const std::string message = TerminationMessage(result);
  std::printf("%s\n", message.c_str());
  std::fflush(stdout);
  if (termination_log.empty()) return;
  struct stat st {};
  if (termination_log == PullOptions{}.termination_log &&
      ::stat(termination_log.c_str(), &st) != 0) {
    return;
  }
  if (auto written = WriteTerminationLog(termination_log, message); !written.ok()) {
    GetLogger("mover")->error(
        Fields("cannot write the result", {{"error", written.error().ToString()}}));
  }
}

}  // namespace

int RunPullCommand(int argc, char** argv) {
  auto parsed = ParsePullFlags(argc, argv);
  if (!parsed.ok()) {
    std::fprintf(stderr, "dr-syncer-agent pull: %s\n", parsed.error().ToString().c_str());
    PullResult result{.reason = parsed.error().message(), .retryable = false};
    Report(result, FallbackTerminationLog(argc, argv));
    return ProcessExitCode(result);
  }
  if (parsed->help) {
    std::printf("%s", PullUsage().c_str());
    return 0;
  }
  auto format = ParseLogFormat(parsed->log_format);
  Status logging = format.ok() ? InitLogging(parsed->log_level, *format) : Status(format.error());
  if (!logging.ok()) {
    std::fprintf(stderr, "dr-syncer-agent pull: %s\n", logging.error().ToString().c_str());
    PullResult result{.reason = logging.error().message(), .retryable = false};
    Report(result, parsed->options.termination_log);
    return ProcessExitCode(result);
  }
  PullResult result;
  {
    StopOnSignal signals;
    result = RunPull(parsed->options, signals.token());
  }
  Report(result, parsed->options.termination_log);
  return ProcessExitCode(result);
}

}  // namespace drs::mover
