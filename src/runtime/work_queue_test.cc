#include "runtime/work_queue.h"

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "base/fake_clock.h"

namespace drs::runtime {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Polls `done` against a real-time deadline: the way to wait for another
// thread to reach a state, never a sleep. The deadline only bounds a failure.
template <typename F>
bool Eventually(F done) {
  constexpr auto kGiveUpAfter = seconds(30);
  const auto deadline = std::chrono::steady_clock::now() + kGiveUpAfter;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::yield();
  }
  return true;
}

class WorkQueueTest : public ::testing::Test {
 protected:
  // Exponential only (no global bucket) so delays are exact: 5 ms, 10 ms, ...
  WorkQueue MakeQueue() {
    return WorkQueue(
        clock_,
        {.name = "test", .rate_limiter = std::make_unique<ItemExponentialFailureRateLimiter>()});
  }
  FakeClock clock_;
};

TEST_F(WorkQueueTest, DeduplicatesPendingKeysInFifoOrder) {
  WorkQueue queue(clock_, {.name = "test"});
  queue.Add("a");
  queue.Add("b");
  queue.Add("a");
  queue.Add("c");
  queue.Add("b");
  EXPECT_EQ(queue.Len(), 3);
  std::stop_source stop;
  EXPECT_EQ(queue.Get(stop.get_token()), "a");
  EXPECT_EQ(queue.Get(stop.get_token()), "b");
  EXPECT_EQ(queue.Get(stop.get_token()), "c");
  EXPECT_EQ(queue.Len(), 0);
  EXPECT_EQ(queue.name(), "test");
}

TEST_F(WorkQueueTest, KeyAddedWhileProcessingIsHeldUntilDone) {
  WorkQueue queue(clock_, {.name = "test"});
  std::stop_source stop;
  queue.Add("a");
  ASSERT_EQ(queue.Get(stop.get_token()), "a");
  queue.Add("a");
  queue.Add("a");
  EXPECT_EQ(queue.Len(), 0) << "a second worker must not get a key that is processing";
  queue.Done("a");
  EXPECT_EQ(queue.Len(), 1) << "the dirty key is queued once after Done";
  EXPECT_EQ(queue.Get(stop.get_token()), "a");
  queue.Done("a");
  EXPECT_EQ(queue.Len(), 0) << "Done of a clean key queues nothing";
}

TEST_F(WorkQueueTest, AddAfterWaitsForTheClock) {
  WorkQueue queue(clock_, {.name = "test"});
  queue.AddAfter("a", seconds(1));
  clock_.WaitForSleepers(1);  // the parker sleeps until the deadline
  clock_.Advance(milliseconds(999));
  EXPECT_EQ(queue.Len(), 0);
  clock_.Advance(milliseconds(1));
  std::stop_source stop;
  EXPECT_EQ(queue.Get(stop.get_token()), "a");  // blocks until the parker moves it
}

TEST_F(WorkQueueTest, NonPositiveDelayAddsAtOnce) {
  WorkQueue queue(clock_, {.name = "test"});
  queue.AddAfter("zero", Clock::Duration::zero());
  queue.AddAfter("negative", -seconds(1));
  EXPECT_EQ(queue.Len(), 2);
}

TEST_F(WorkQueueTest, HugeDelayParksWithoutOverflow) {
  WorkQueue queue(clock_, {.name = "test"});
  queue.AddAfter("forever", Clock::Duration::max());
  queue.AddAfter("soon", seconds(1));
  clock_.Advance(hours(24 * 365));
  std::stop_source stop;
  EXPECT_EQ(queue.Get(stop.get_token()), "soon");
  EXPECT_EQ(queue.Len(), 0);
}

TEST_F(WorkQueueTest, ParkedKeysComeOutByDeadline) {
  WorkQueue queue(clock_, {.name = "test"});
  queue.AddAfter("third", seconds(3));
  queue.AddAfter("first", seconds(1));
  queue.AddAfter("second", seconds(2));
  queue.AddAfter("also-third", seconds(3));  // same deadline: after "third"
  clock_.Advance(seconds(3));
  std::stop_source stop;
  std::vector<std::string> got;
  for (int i = 0; i < 4; ++i) {
    got.push_back(*queue.Get(stop.get_token()));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"first", "second", "third", "also-third"}));
}

TEST_F(WorkQueueTest, EarlierDeadlineReplacesLaterOne) {
  WorkQueue queue(clock_, {.name = "test"});
  queue.AddAfter("a", seconds(10));
  clock_.WaitForSleepers(1);  // the parker sleeps until +10 s and must be woken
  queue.AddAfter("a", seconds(1));
  clock_.Advance(seconds(1));
  std::stop_source stop;
  ASSERT_EQ(queue.Get(stop.get_token()), "a");
  queue.Done("a");
  // The +10 s deadline is gone: at +10 s only the sentinel, parked after it
  // for the same time, comes out.
  queue.AddAfter("sentinel", seconds(9));
  clock_.Advance(seconds(9));
  EXPECT_EQ(queue.Get(stop.get_token()), "sentinel");
  EXPECT_EQ(queue.Len(), 0);
}

TEST_F(WorkQueueTest, LaterDeadlineDoesNotPostpone) {
  WorkQueue queue(clock_, {.name = "test"});
  queue.AddAfter("a", seconds(1));
  queue.AddAfter("a", hours(1));
  clock_.Advance(seconds(1));
  std::stop_source stop;
  EXPECT_EQ(queue.Get(stop.get_token()), "a");
}

TEST_F(WorkQueueTest, AddRateLimitedBacksOffExponentiallyAndForgetResets) {
  WorkQueue queue = MakeQueue();
  std::stop_source stop;
  const std::vector<Clock::Duration> delays = {milliseconds(5), milliseconds(10), milliseconds(20)};
  for (std::size_t i = 0; i < delays.size(); ++i) {
    queue.AddRateLimited("k");
    clock_.Advance(delays[i] - milliseconds(1));
    EXPECT_EQ(queue.Len(), 0) << "retry " << i << " came early";
    clock_.Advance(milliseconds(1));
    ASSERT_EQ(queue.Get(stop.get_token()), "k");
    queue.Done("k");
    EXPECT_EQ(queue.NumRequeues("k"), static_cast<int>(i + 1));
  }
  queue.Forget("k");
  EXPECT_EQ(queue.NumRequeues("k"), 0);
  queue.AddRateLimited("k");
  clock_.Advance(milliseconds(5));
  EXPECT_EQ(queue.Get(stop.get_token()), "k");
}

TEST_F(WorkQueueTest, GetHonoursStop) {
  WorkQueue queue(clock_, {.name = "test"});
  std::optional<std::string> got = "unset";
  std::jthread worker([&](std::stop_token stop) { got = queue.Get(stop); });
  ASSERT_TRUE(Eventually([&] { return queue.NumWaiting() == 1; }));
  worker.request_stop();
  worker.join();
  EXPECT_EQ(got, std::nullopt);
  EXPECT_FALSE(queue.ShuttingDown());
}

TEST_F(WorkQueueTest, ShutDownWakesEveryWaiterAndIgnoresAdds) {
  constexpr int kWorkers = 4;
  WorkQueue queue(clock_, {.name = "test"});
  std::atomic<int> got_nullopt = 0;
  {
    std::vector<std::jthread> workers;
    for (int i = 0; i < kWorkers; ++i) {
      workers.emplace_back([&](std::stop_token stop) {
        if (!queue.Get(stop).has_value()) {
          ++got_nullopt;
        }
      });
    }
    ASSERT_TRUE(Eventually([&] { return queue.NumWaiting() == kWorkers; }));
    queue.ShutDown();
    // Joining without a stop request: only the shutdown can release them.
    for (auto& worker : workers) {
      worker.join();
    }
  }
  EXPECT_EQ(got_nullopt, kWorkers);
  EXPECT_TRUE(queue.ShuttingDown());
  queue.Add("late");
  queue.AddAfter("late-parked", Clock::Duration::zero());
  EXPECT_EQ(queue.Len(), 0);
}

TEST_F(WorkQueueTest, ShutDownStillHandsOutPendingKeysButDropsParkedOnes) {
  WorkQueue queue(clock_, {.name = "test"});
  queue.Add("a");
  queue.AddAfter("parked", seconds(1));
  queue.ShutDown();
  clock_.Advance(seconds(1));
  std::stop_source stop;
  EXPECT_EQ(queue.Get(stop.get_token()), "a");
  EXPECT_EQ(queue.Get(stop.get_token()), std::nullopt);
}

TEST_F(WorkQueueTest, ShutDownWithDrainWaitsForDone) {
  WorkQueue queue(clock_, {.name = "test"});
  std::stop_source stop;
  queue.Add("a");
  ASSERT_EQ(queue.Get(stop.get_token()), "a");
  std::atomic<bool> returned = false;
  bool drained = false;
  std::jthread drainer([&] {
    drained = queue.ShutDownWithDrain();
    returned = true;
  });
  ASSERT_TRUE(Eventually([&] { return queue.ShuttingDown(); }));
  EXPECT_FALSE(returned) << "drain returned while a key was processing";
  queue.Done("a");
  drainer.join();
  EXPECT_TRUE(drained);
}

TEST_F(WorkQueueTest, ShutDownWithDrainGivesUpOnStop) {
  WorkQueue queue(clock_, {.name = "test"});
  std::stop_source stop;
  queue.Add("a");
  ASSERT_EQ(queue.Get(stop.get_token()), "a");
  bool drained = true;
  std::jthread drainer(
      [&](std::stop_token drain_stop) { drained = queue.ShutDownWithDrain(drain_stop); });
  ASSERT_TRUE(Eventually([&] { return queue.ShuttingDown(); }));
  drainer.request_stop();
  drainer.join();
  EXPECT_FALSE(drained);
  queue.Done("a");
}

TEST_F(WorkQueueTest, DestructionStopsASleepingParker) {
  {
    WorkQueue queue(clock_, {.name = "test"});
    queue.AddAfter("a", hours(1));
    clock_.WaitForSleepers(1);
  }
  // The destructor woke the parker without advancing time and joined it.
  EXPECT_EQ(clock_.sleepers(), 0);
}

}  // namespace
}  // namespace drs::runtime
