#include "base/token_bucket.h"

#include <thread>

#include <gtest/gtest.h>

#include "base/fake_clock.h"

namespace drs {
namespace {

using std::chrono::milliseconds;

TEST(TokenBucketTest, BurstThenSustainedRate) {
  FakeClock clock;
  TokenBucket bucket(clock, /*qps=*/10, /*burst=*/3);
  EXPECT_EQ(bucket.Reserve(), Clock::Duration::zero());
  EXPECT_EQ(bucket.Reserve(), Clock::Duration::zero());
  EXPECT_EQ(bucket.Reserve(), Clock::Duration::zero());
  // Burst spent: each further token is 100 ms after the previous one.
  EXPECT_EQ(bucket.Reserve(), milliseconds(100));
  EXPECT_EQ(bucket.Reserve(), milliseconds(200));
  clock.Advance(milliseconds(200));
  EXPECT_EQ(bucket.Reserve(), milliseconds(100));
}

TEST(TokenBucketTest, RefillsUpToBurstOnly) {
  FakeClock clock;
  TokenBucket bucket(clock, 10, 2);
  clock.Advance(std::chrono::hours(1));
  EXPECT_EQ(bucket.Reserve(), Clock::Duration::zero());
  EXPECT_EQ(bucket.Reserve(), Clock::Duration::zero());
  EXPECT_EQ(bucket.Reserve(), milliseconds(100));
}

TEST(TokenBucketTest, WaitBlocksOnTheClockAndHonoursStop) {
  FakeClock clock;
  TokenBucket bucket(clock, 1, 1);
  ASSERT_EQ(bucket.Reserve(), Clock::Duration::zero());
  bool got = false;
  std::jthread waiter([&](std::stop_token st) { got = bucket.Wait(st); });
  clock.WaitForSleepers(1);
  clock.Advance(std::chrono::seconds(1));
  waiter.join();
  EXPECT_TRUE(got);

  bool stopped_result = true;
  std::jthread stopped([&](std::stop_token st) { stopped_result = bucket.Wait(st); });
  clock.WaitForSleepers(1);
  stopped.request_stop();
  stopped.join();
  EXPECT_FALSE(stopped_result);
}

}  // namespace
}  // namespace drs
