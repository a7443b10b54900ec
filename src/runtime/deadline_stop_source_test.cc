#include "runtime/deadline_stop_source.h"

#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>

#include "base/fake_clock.h"

namespace drs::runtime {
namespace {

using std::chrono::seconds;

// The timer thread parks on the fake clock; waiting for it makes Advance
// land after it has read the deadline.
void AdvanceParked(FakeClock& clock, Clock::Duration d) {
  clock.WaitForSleepers(1);
  clock.Advance(d);
}

// Waits for the timer thread to act on a stop it is about to request; the
// stop_callback wakes us without any sleep.
bool WaitStopped(std::stop_token token) {
  std::mutex mu;
  std::condition_variable_any cv;
  // Registered before taking the lock: on an already stopped token the
  // callback runs right here and must be able to lock.
  const std::stop_callback wake(token, [&] {
    std::lock_guard inner(mu);
    cv.notify_all();
  });
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return token.stop_requested(); });
  return token.stop_requested();
}

TEST(DeadlineStopSourceTest, StopsWhenTheDeadlinePasses) {
  FakeClock clock;
  DeadlineStopSource source(clock, clock.Now() + seconds(10));
  AdvanceParked(clock, seconds(9));
  EXPECT_FALSE(source.token().stop_requested());
  AdvanceParked(clock, seconds(1));
  EXPECT_TRUE(WaitStopped(source.token()));
  EXPECT_TRUE(source.expired());
}

TEST(DeadlineStopSourceTest, ExtendPushesTheDeadlineLater) {
  FakeClock clock;
  DeadlineStopSource source(clock, clock.Now() + seconds(10));
  source.Extend(clock.Now() + seconds(15));
  AdvanceParked(clock, seconds(10));
  // The timer wakes at the old deadline, sees the new one and sleeps again.
  AdvanceParked(clock, seconds(4));
  EXPECT_FALSE(source.token().stop_requested());
  AdvanceParked(clock, seconds(1));
  EXPECT_TRUE(WaitStopped(source.token()));
  EXPECT_TRUE(source.expired());
}

TEST(DeadlineStopSourceTest, ParentStopIsForwardedAndIsNotExpiry) {
  FakeClock clock;
  std::stop_source parent;
  DeadlineStopSource source(clock, clock.Now() + seconds(10), parent.get_token());
  clock.WaitForSleepers(1);
  parent.request_stop();
  EXPECT_TRUE(source.token().stop_requested());
  EXPECT_FALSE(source.expired());
}

TEST(DeadlineStopSourceTest, AlreadyStoppedParentStopsAtOnce) {
  FakeClock clock;
  std::stop_source parent;
  parent.request_stop();
  DeadlineStopSource source(clock, clock.Now() + seconds(10), parent.get_token());
  EXPECT_TRUE(source.token().stop_requested());
}

TEST(DeadlineStopSourceTest, RequestStopAndDestructionDoNotWaitForTheDeadline) {
  FakeClock clock;
  DeadlineStopSource source(clock, clock.Now() + seconds(10));
  clock.WaitForSleepers(1);
  source.RequestStop();
  EXPECT_TRUE(source.token().stop_requested());
  EXPECT_FALSE(source.expired());
}

}  // namespace
}  // namespace drs::runtime
