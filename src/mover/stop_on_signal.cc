#include "mover/stop_on_signal.h"

#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "mover/pull_result.h"

namespace drs::mover {
namespace {

// How often the waiter checks whether it should end.
constexpr long kPollNanos = 200'000'000;

sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

StopOnSignal::StopOnSignal() {
  const sigset_t set = StopSignals();
  pthread_sigmask(SIG_BLOCK, &set, &old_mask_);
  waiter_ = std::jthread([this, set](std::stop_token own) {
    const timespec poll{0, kPollNanos};
    bool signalled = false;
    while (!own.stop_requested()) {
      const int sig = sigtimedwait(&set, nullptr, &poll);
      if (sig != SIGTERM && sig != SIGINT) continue;
      if (signalled) {
        std::fprintf(stderr, "dr-syncer-agent pull: second signal, exiting now\n");
        _exit(kExitRetryable);
      }
      signalled = true;
      source_.request_stop();
    }
  });
}

StopOnSignal::~StopOnSignal() {
  waiter_.request_stop();
  waiter_.join();
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

}  // namespace drs::mover
