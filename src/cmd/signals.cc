#include "cmd/signals.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

namespace drs::cmd {
namespace {
constexpr long kPollNanos = 200'000'000;  // how often the waiter checks for its own stop
}  // namespace

SignalStopper::SignalStopper(std::chrono::milliseconds grace) : grace_(grace) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  waiter_ = std::jthread([this, set](std::stop_token own) {
    const timespec poll{0, kPollNanos};
    bool signalled = false;
    std::chrono::steady_clock::time_point deadline{};
    while (!own.stop_requested()) {
      const int sig = sigtimedwait(&set, nullptr, &poll);
      if (sig == SIGTERM || sig == SIGINT) {
        if (signalled) {
          std::fprintf(stderr, "dr-syncer: second signal, exiting now\n");
          _exit(1);
        }
        signalled = true;
        deadline = std::chrono::steady_clock::now() + grace_;
        source_.request_stop();
      }
      if (signalled && std::chrono::steady_clock::now() > deadline) {
        std::fprintf(stderr, "dr-syncer: shutdown took longer than the grace period, exiting\n");
        _exit(1);
      }
    }
  });
}

SignalStopper::~SignalStopper() {
  waiter_.request_stop();
  waiter_.join();
}

}  // namespace drs::cmd
