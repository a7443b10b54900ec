#include "mover/stop_on_signal.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>

#include "mover/pull_result.h"

namespace drs::mover {
namespace {

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
  // The waiter sleeps until a signal arrives or this object dies: a timed
  // poll would hold every pull's exit up by part of its period.
  signals_ = UniqueFd(::signalfd(-1, &set, SFD_CLOEXEC));
  wake_ = UniqueFd(::eventfd(0, EFD_CLOEXEC));
  if (!signals_.valid() || !wake_.valid()) {
    // Out of descriptors before anything ran: signals keep their usual
    // effect rather than being blocked with nobody to read them.
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
    return;
  }
  waiter_ = std::jthread([this] {
    std::array<pollfd, 2> fds = {pollfd{.fd = signals_.get(), .events = POLLIN, .revents = 0},
                                 pollfd{.fd = wake_.get(), .events = POLLIN, .revents = 0}};
    bool signalled = false;
    for (;;) {
      if (::poll(fds.data(), fds.size(), -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[1].revents != 0) return;
      signalfd_siginfo info{};
      if (::read(signals_.get(), &info, sizeof info) != static_cast<ssize_t>(sizeof info)) continue;
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
  if (waiter_.joinable()) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t ignored = ::write(wake_.get(), &one, sizeof one);
    waiter_.join();
  }
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

}  // namespace drs::mover
