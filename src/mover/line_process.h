#pragma once
// RunLineProcess: runs one child (rsync) to completion while handing its
// stdout and stderr to callbacks line by line as they arrive — its output
// (a verification pass lists every difference, a broken volume makes rsync
// print an error per file) can be larger than anything we want to hold.
// Lines end at '\n' or '\r' (what a terminal would show as a line); a line
// longer than kMaxLineBytes is handed over in pieces.
//
// The child runs in its own process group (base/child_process.h). On a stop
// request or the timeout the group gets SIGTERM first — rsync then moves a
// half-received file into its partial dir so the next run resumes — and
// SIGKILL if it is still there after `stop_grace`. The child is reaped on
// every path.
//
// Thread-safety: RunLineProcess may run in several threads at once; the
// callbacks are called on the calling thread only.

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace drs::mover {

inline constexpr std::size_t kMaxLineBytes = 64 * 1024;

struct LineProcessSpec {
  std::vector<std::string> argv;
  std::vector<std::string> envp;         // the child's whole environment
  std::chrono::milliseconds timeout{0};  // 0 = none
  // How long a child has to exit after SIGTERM before SIGKILL: rsync saves
  // its partial file within a second; ssh and the remote side need less.
  std::chrono::milliseconds stop_grace{std::chrono::seconds(10)};
  std::function<void(std::string_view)> on_stdout_line;
  std::function<void(std::string_view)> on_stderr_line;
  // Called once the child exists, with its pid (= its process group id).
  std::function<void(pid_t)> on_started;
};

struct LineProcessResult {
  int exit_code = -1;   // -1 when killed by a signal
  int term_signal = 0;  // the signal that ended it, 0 if it exited
  bool timed_out = false;
  bool stopped = false;  // a stop was requested and the child was ended
};

// Errors only for a child that could not be started (NotFound,
// PermissionDenied, naming the program) or a broken poll loop (Internal).
Result<LineProcessResult> RunLineProcess(const LineProcessSpec& spec, std::stop_token stop);

}  // namespace drs::mover
