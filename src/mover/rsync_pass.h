#pragma once
// RunRsyncPass: runs one rsync command (the transfer or the verification)
// and sorts what it prints as it arrives: itemized differences are counted
// (a few kept as examples), stderr is logged and its tail kept for the exit
// classification, and the rest of stdout (the --stats block) is kept for
// parsing. Progress is not read from rsync's output: a ProgressMonitor
// (rsync_progress.h) samples rsync's processes in /proc every 10 s and logs
// a "transfer progress" line, and a final one with rsync's --stats totals.
//
// Thread-safety: safe to call from several threads; each call owns its
// output.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "mover/line_process.h"

namespace drs::mover {

// Differences quoted in a failure's reason; the count has the rest.
inline constexpr std::size_t kMaxDifferenceExamples = 5;

struct PassSpec {
  std::vector<std::string> argv;
  std::chrono::milliseconds timeout{0};  // 0 = none
  std::string volume;                    // for log lines: "pvc/ns/claim/"
  Clock* clock = nullptr;                // progress sampling; null = RealClock
  std::function<void(pid_t)> on_started;
};

struct PassOutput {
  LineProcessResult process;
  std::string stdout_text;  // stdout minus itemized lines (bounded tail)
  std::string stderr_text;  // bounded tail
  std::int64_t differences = 0;
  std::vector<std::string> difference_examples;
  bool any_content_only = false;  // see rsync_verification.h
};

// Errors only when rsync could not be started (NotFound naming it).
Result<PassOutput> RunRsyncPass(const PassSpec& spec, std::stop_token stop);

}  // namespace drs::mover
