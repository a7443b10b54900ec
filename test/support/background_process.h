#pragma once
// BackgroundProcess: a program the test starts and later signals — the
// dr-syncer binary in e2e tests. Output goes to a log file the test can
// read (and that is printed when a test fails). The child is killed and
// reaped when the object dies, so no test leaves a process behind.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/child_process.h"

namespace drs::testing {

class BackgroundProcess {
 public:
  // Starts argv with our environment plus `env` ("NAME=value"); output to `log_path`.
  static BackgroundProcess Start(std::vector<std::string> argv, const std::string& log_path,
                                 std::vector<std::string> env = {});
  BackgroundProcess(BackgroundProcess&&) = default;
  ~BackgroundProcess();

  bool ok() const { return started_; }
  pid_t pid() const { return child_ ? child_->pid() : -1; }
  void Signal(int sig);
  // Waits for exit; the exit code, -signal when killed, or nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  bool Running();
  std::string Log() const;

 private:
  BackgroundProcess() = default;
  std::optional<ChildProcess> child_;
  std::string log_path_;
  bool started_ = false;
};

// The dr-syncer binary built with this test suite.
std::string DrSyncerBinary();

}  // namespace drs::testing
