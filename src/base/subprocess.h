#pragma once
// RunProcess: runs one child program to completion and captures its output —
// exec credential plugins today, rsync and ssh later. The program is started
// from an argv vector (never through a shell), argv[0] found on PATH as
// execvp does, in its own process group with default signal dispositions and
// an empty signal mask. On a timeout or a stop request the whole group gets
// SIGKILL; the child is always reaped, on every path.
//
// Output is captured up to a limit per stream; the rest is read and thrown
// away so a chatty child never blocks on a full pipe.
//
// Thread-safety: RunProcess is safe to call from many threads at once. It
// blocks SIGPIPE in the calling thread while it runs (a child that exits
// without reading its stdin must not kill us) and restores the mask after.

#include <chrono>
#include <cstddef>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace drs {

// 1 MiB per stream: enough for any credential plugin or rsync summary, small
// enough that a runaway child cannot exhaust our memory.
constexpr std::size_t kDefaultProcessOutputLimit = std::size_t{1} << 20;

struct ProcessSpec {
  // argv[0] is the program: a path if it contains '/', else looked up on the
  // PATH of *this* process (not of env below), as execvp does.
  std::vector<std::string> argv;
  // Entries set in the child's environment, replacing same-named ones.
  std::vector<std::pair<std::string, std::string>> env;
  // Start from an empty environment instead of a copy of ours.
  bool clear_env = false;
  // Bytes written to the child's stdin, which is then closed. Without them
  // the child's stdin is /dev/null.
  std::optional<std::string> stdin_data;
  // Directory the child starts in; empty = ours.
  std::string working_dir;
  // Wall-clock limit for the whole run; zero = none.
  std::chrono::milliseconds timeout{0};
  std::size_t max_stdout_bytes = kDefaultProcessOutputLimit;
  std::size_t max_stderr_bytes = kDefaultProcessOutputLimit;
};

struct ProcessResult {
  int exit_code = -1;   // -1 when the child was killed by a signal
  int term_signal = 0;  // the signal that killed it, 0 if it exited
  // Named *_data because stdout/stderr may be macros (<cstdio>).
  std::string stdout_data;
  std::string stderr_data;
  bool stdout_truncated = false;
  bool stderr_truncated = false;
  bool timed_out = false;  // killed because spec.timeout passed

  bool Succeeded() const { return exit_code == 0 && !timed_out; }
};

// Runs spec.argv and waits for it. A non-zero exit, a signal or a timeout is
// reported in the ProcessResult; errors are reserved for a program that could
// not be started (NotFound names it), bad arguments (Invalid), and a stop
// request (Cancelled, after the child was killed and reaped). An empty argv
// is Invalid.
Result<ProcessResult> RunProcess(const ProcessSpec& spec, std::stop_token stop);

}  // namespace drs
