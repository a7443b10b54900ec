#include "mover/stop_on_signal.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <future>

#include <gtest/gtest.h>

namespace drs::mover {
namespace {

TEST(StopOnSignalTest, SigtermRequestsAStopInsteadOfKilling) {
  StopOnSignal signals;
  std::promise<void> stopped;
  const std::stop_callback on_stop(signals.token(), [&] { stopped.set_value(); });
  EXPECT_FALSE(signals.token().stop_requested());
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  EXPECT_EQ(stopped.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

TEST(StopOnSignalTest, EndsAtOnce) {
  // Many lives in a row: a waiter that slept out a poll period at each end
  // would take seconds here.
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i) {
    StopOnSignal signals;
    EXPECT_FALSE(signals.token().stop_requested());
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(StopOnSignalTest, RestoresTheSignalMask) {
  sigset_t before;
  sigset_t after;
  pthread_sigmask(SIG_SETMASK, nullptr, &before);
  { StopOnSignal signals; }
  pthread_sigmask(SIG_SETMASK, nullptr, &after);
  EXPECT_EQ(sigismember(&before, SIGTERM), sigismember(&after, SIGTERM));
  EXPECT_EQ(sigismember(&before, SIGINT), sigismember(&after, SIGINT));
}

}  // namespace
}  // namespace drs::mover
