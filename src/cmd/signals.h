#pragma once
// SignalStopper: turns SIGTERM and SIGINT into a stop request, and bounds
// shutdown: if the process is still alive `grace` after the first signal,
// it exits with status 1 (a hung shutdown must not keep a pod Terminating).
// A second signal exits at once.
//
// Thread-safety: construct it in main before any other thread exists (it
// blocks the signals so every later thread inherits the mask).

#include <chrono>
#include <stop_token>
#include <thread>

namespace drs::cmd {

class SignalStopper {
 public:
  explicit SignalStopper(std::chrono::milliseconds grace);
  ~SignalStopper();
  std::stop_token token() const { return source_.get_token(); }

 private:
  std::stop_source source_;
  std::chrono::milliseconds grace_;
  std::jthread waiter_;
};

}  // namespace drs::cmd
