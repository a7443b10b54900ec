#include "runtime/rate_limiter.h"

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "base/fake_clock.h"

namespace drs::runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ItemExponentialFailureRateLimiterTest, DoublesFromFiveMilliseconds) {
  ItemExponentialFailureRateLimiter limiter;
  const std::vector<Clock::Duration> want = {milliseconds(5),  milliseconds(10), milliseconds(20),
                                             milliseconds(40), milliseconds(80), milliseconds(160)};
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(limiter.When("ns/a"), want[i]) << "attempt " << i;
    EXPECT_EQ(limiter.NumRequeues("ns/a"), static_cast<int>(i + 1));
  }
}

TEST(ItemExponentialFailureRateLimiterTest, KeysBackOffIndependently) {
  ItemExponentialFailureRateLimiter limiter;
  EXPECT_EQ(limiter.When("a"), milliseconds(5));
  EXPECT_EQ(limiter.When("a"), milliseconds(10));
  EXPECT_EQ(limiter.When("b"), milliseconds(5));
  EXPECT_EQ(limiter.NumRequeues("a"), 2);
  EXPECT_EQ(limiter.NumRequeues("b"), 1);
  EXPECT_EQ(limiter.NumRequeues("never-seen"), 0);
}

TEST(ItemExponentialFailureRateLimiterTest, CapsAtMaxDelayWithoutOverflow) {
  struct Case {
    Clock::Duration base;
    Clock::Duration max;
    int attempts;
    Clock::Duration want_last;
  };
  const std::vector<Case> cases = {
      // 5 ms * 2^17 = 655 s, * 2^18 = 1310 s: the 19th try hits the 1000 s cap.
      {milliseconds(5), seconds(1000), 18, milliseconds(655360)},
      {milliseconds(5), seconds(1000), 19, seconds(1000)},
      // Far past any representable power of two: still the cap.
      {milliseconds(5), seconds(1000), 5000, seconds(1000)},
      {milliseconds(1), milliseconds(3), 3, milliseconds(3)},
  };
  for (const auto& c : cases) {
    ItemExponentialFailureRateLimiter limiter(c.base, c.max);
    Clock::Duration last{};
    for (int i = 0; i < c.attempts; ++i) {
      last = limiter.When("k");
    }
    EXPECT_EQ(last, c.want_last) << "attempts " << c.attempts;
  }
}

TEST(ItemExponentialFailureRateLimiterTest, ForgetStartsOver) {
  ItemExponentialFailureRateLimiter limiter;
  limiter.When("k");
  limiter.When("k");
  ASSERT_EQ(limiter.When("k"), milliseconds(20));
  limiter.Forget("k");
  EXPECT_EQ(limiter.NumRequeues("k"), 0);
  EXPECT_EQ(limiter.When("k"), milliseconds(5));
}

TEST(ItemExponentialFailureRateLimiterTest, CountsEveryAttemptUnderContention) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 1000;
  ItemExponentialFailureRateLimiter limiter;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < kPerThread; ++i) {
          limiter.When("shared");
        }
      });
    }
  }
  EXPECT_EQ(limiter.NumRequeues("shared"), kThreads * kPerThread);
}

TEST(ItemFastSlowRateLimiterTest, FastThenSlow) {
  ItemFastSlowRateLimiter limiter(milliseconds(5), seconds(10), 3);
  EXPECT_EQ(limiter.When("k"), milliseconds(5));
  EXPECT_EQ(limiter.When("k"), milliseconds(5));
  EXPECT_EQ(limiter.When("k"), milliseconds(5));
  EXPECT_EQ(limiter.When("k"), seconds(10));
  EXPECT_EQ(limiter.NumRequeues("k"), 4);
  EXPECT_EQ(limiter.When("other"), milliseconds(5));
  limiter.Forget("k");
  EXPECT_EQ(limiter.NumRequeues("k"), 0);
  EXPECT_EQ(limiter.When("k"), milliseconds(5));
}

TEST(BucketRateLimiterTest, FreeForTheBurstThenPacedByQps) {
  FakeClock clock;
  BucketRateLimiter limiter(clock);  // 10 qps, burst 100
  for (int i = 0; i < BucketRateLimiter::kDefaultBurst; ++i) {
    ASSERT_EQ(limiter.When("k" + std::to_string(i)), Clock::Duration::zero()) << i;
  }
  // The bucket is global: any key now waits its turn at 10 per second.
  EXPECT_EQ(limiter.When("x"), milliseconds(100));
  EXPECT_EQ(limiter.When("y"), milliseconds(200));
  clock.Advance(milliseconds(200));
  EXPECT_EQ(limiter.When("z"), milliseconds(100));
  // No per-key state.
  EXPECT_EQ(limiter.NumRequeues("x"), 0);
}

TEST(BucketRateLimiterTest, RefillsWithTime) {
  FakeClock clock;
  BucketRateLimiter limiter(clock, /*qps=*/2, /*burst=*/1);
  EXPECT_EQ(limiter.When("a"), Clock::Duration::zero());
  EXPECT_EQ(limiter.When("a"), milliseconds(500));
  clock.Advance(seconds(10));
  EXPECT_EQ(limiter.When("a"), Clock::Duration::zero());
}

TEST(MaxOfRateLimiterTest, TakesTheLongestAndForwardsForget) {
  std::vector<std::unique_ptr<RateLimiter>> children;
  children.push_back(std::make_unique<ItemFastSlowRateLimiter>(milliseconds(1), seconds(5), 1));
  children.push_back(
      std::make_unique<ItemExponentialFailureRateLimiter>(milliseconds(2), seconds(60)));
  MaxOfRateLimiter limiter(std::move(children));
  EXPECT_EQ(limiter.When("k"), milliseconds(2));  // fast 1 ms vs exponential 2 ms
  EXPECT_EQ(limiter.When("k"), seconds(5));       // slow 5 s vs 4 ms
  EXPECT_EQ(limiter.NumRequeues("k"), 2);
  limiter.Forget("k");
  EXPECT_EQ(limiter.NumRequeues("k"), 0);
  EXPECT_EQ(limiter.When("k"), milliseconds(2));
}

TEST(DefaultControllerRateLimiterTest, PerKeyBackoffUntilTheBucketRunsDry) {
  FakeClock clock;
  auto limiter = DefaultControllerRateLimiter(clock);
  EXPECT_EQ(limiter->When("a"), milliseconds(5));
  EXPECT_EQ(limiter->When("a"), milliseconds(10));
  EXPECT_EQ(limiter->NumRequeues("a"), 2);
  // Two tokens are spent; 98 more keys spend the rest of the burst.
  for (int i = 0; i < 98; ++i) {
    ASSERT_EQ(limiter->When("k" + std::to_string(i)), milliseconds(5)) << i;
  }
  // Now the bucket's 100 ms pacing dominates a fresh key's 5 ms.
  EXPECT_EQ(limiter->When("fresh"), milliseconds(100));
  limiter->Forget("a");
  EXPECT_EQ(limiter->NumRequeues("a"), 0);
}

}  // namespace
}  // namespace drs::runtime
