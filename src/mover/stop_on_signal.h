#pragma once
// StopOnSignal: while it lives, SIGTERM and SIGINT request a stop instead of
// killing the process, so the pull can end rsync cleanly and still write its
// result. A second signal exits at once with kExitRetryable. The previous
// signal mask returns when it dies.
//
// Thread-safety: construct on the main thread before starting others (they
// inherit the blocked mask); token() may be used from any thread.

#include <signal.h>

#include <stop_token>
#include <thread>

#include "base/unique_fd.h"

namespace drs::mover {

class StopOnSignal {
 public:
  StopOnSignal();
  ~StopOnSignal();
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

  std::stop_token token() const { return source_.get_token(); }

 private:
  std::stop_source source_;
  sigset_t old_mask_;
  UniqueFd signals_;  // signalfd of SIGTERM and SIGINT
  UniqueFd wake_;     // eventfd: tells the waiter to end
  std::jthread waiter_;
};

}  // namespace drs::mover
