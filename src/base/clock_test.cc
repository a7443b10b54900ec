#include "base/clock.h"

#include <thread>

#include <gtest/gtest.h>

#include "base/fake_clock.h"

namespace drs {
namespace {

TEST(FakeClockTest, SleepersWakeWhenTimeReachesTheirDeadline) {
  FakeClock clock;
  const auto start = clock.Now();
  std::atomic<int> woke{0};
  std::jthread a([&](std::stop_token st) {
    if (clock.SleepFor(std::chrono::seconds(1), st)) ++woke;
  });
  std::jthread b([&](std::stop_token st) {
    if (clock.SleepFor(std::chrono::seconds(5), st)) ++woke;
  });
  clock.WaitForSleepers(2);
  clock.Advance(std::chrono::seconds(1));
  a.join();
  EXPECT_EQ(woke, 1);
  EXPECT_EQ(clock.sleepers(), 1);
  clock.Advance(std::chrono::seconds(4));
  b.join();
  EXPECT_EQ(woke, 2);
  EXPECT_EQ(clock.Now() - start, std::chrono::seconds(5));
}

TEST(FakeClockTest, StopInterruptsASleep) {
  FakeClock clock;
  bool result = true;
  std::jthread t([&](std::stop_token st) { result = clock.SleepFor(std::chrono::hours(1), st); });
  clock.WaitForSleepers(1);
  t.request_stop();
  t.join();
  EXPECT_FALSE(result);
}

TEST(FakeClockTest, WallTimeMovesWithAdvance) {
  FakeClock clock;
  const auto w = clock.WallNow();
  clock.Advance(std::chrono::minutes(3));
  EXPECT_EQ(clock.WallNow() - w, std::chrono::minutes(3));
}

TEST(RealClockTest, StopInterruptsALongSleepPromptly) {
  std::stop_source stop;
  bool result = true;
  std::jthread t(
      [&] { result = RealClock::Get().SleepFor(std::chrono::hours(1), stop.get_token()); });
  stop.request_stop();
  t.join();  // would hang for an hour if the stop were ignored
  EXPECT_FALSE(result);
}

TEST(RealClockTest, ShortSleepCompletes) {
  std::stop_source stop;
  const auto before = RealClock::Get().Now();
  EXPECT_TRUE(RealClock::Get().SleepFor(std::chrono::milliseconds(5), stop.get_token()));
  EXPECT_GE(RealClock::Get().Now() - before, std::chrono::milliseconds(5));
}

}  // namespace
}  // namespace drs
