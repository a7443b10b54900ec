// Multi-threaded properties of WorkQueue, and its metrics hooks.
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "base/fake_clock.h"
#include "runtime/work_queue.h"

namespace drs::runtime {
namespace {

using std::chrono::seconds;

constexpr int kWorkers = 4;

// What the workers did: which keys are being processed right now (two
// workers on one key is the failure these tests look for), how often each
// key was processed, and the newest add generation each processing saw.
class Ledger {
 public:
  // Returns how often `key` was processed before.
  int Begin(const std::string& key, int generation) {
    std::lock_guard lock(mu_);
    if (!in_flight_.insert(key).second) {
      ++overlaps_;
    }
    newest_generation_seen_ = std::max(newest_generation_seen_, generation);
    return processed_[key];
  }
  void End(const std::string& key) {
    {
      std::lock_guard lock(mu_);
      in_flight_.erase(key);
      ++processed_[key];
      ++total_;
    }
    cv_.notify_all();
  }
  void WaitForTotal(int n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return total_ >= n; });
  }
  int overlaps() {
    std::lock_guard lock(mu_);
    return overlaps_;
  }
  std::map<std::string, int> processed() {
    std::lock_guard lock(mu_);
    return processed_;
  }
  int newest_generation_seen() {
    std::lock_guard lock(mu_);
    return newest_generation_seen_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> in_flight_;       // guarded by mu_
  std::map<std::string, int> processed_;  // guarded by mu_
  int total_ = 0;                         // guarded by mu_
  int overlaps_ = 0;                      // guarded by mu_
  int newest_generation_seen_ = -1;       // guarded by mu_
};

TEST(WorkQueueConcurrencyTest, KeyReAddedWhileProcessingRunsAgainAfterDoneNeverConcurrently) {
  constexpr int kKeys = 50;
  FakeClock clock;
  WorkQueue queue(clock, {.name = "test"});
  Ledger ledger;
  std::vector<std::jthread> workers;
  for (int i = 0; i < kWorkers; ++i) {
    workers.emplace_back([&](std::stop_token stop) {
      while (auto key = queue.Get(stop)) {
        if (ledger.Begin(*key, 0) == 0) {
          queue.Add(*key);  // an event arrives while the key is processing
        }
        std::this_thread::yield();  // widen the window for a second worker
        ledger.End(*key);
        queue.Done(*key);
      }
    });
  }
  for (int i = 0; i < kKeys; ++i) {
    queue.Add("ns/obj-" + std::to_string(i));
  }
  ledger.WaitForTotal(2 * kKeys);
  queue.ShutDown();
  for (auto& worker : workers) {
    worker.join();
  }
  EXPECT_EQ(ledger.overlaps(), 0);
  const auto processed = ledger.processed();
  ASSERT_EQ(processed.size(), static_cast<std::size_t>(kKeys));
  for (const auto& [key, times] : processed) {
    EXPECT_EQ(times, 2) << key << ": once, then once more for the add made while processing";
  }
}

TEST(WorkQueueConcurrencyTest, HotKeyNeverOverlapsAndItsLastAddIsSeen) {
  constexpr int kAdds = 2000;
  constexpr int kColdKeys = 20;
  FakeClock clock;
  WorkQueue queue(clock, {.name = "test"});
  Ledger ledger;
  std::atomic<int> generation = 0;
  std::vector<std::jthread> workers;
  for (int i = 0; i < kWorkers; ++i) {
    workers.emplace_back([&](std::stop_token stop) {
      while (auto key = queue.Get(stop)) {
        ledger.Begin(*key, generation.load());
        std::this_thread::yield();
        ledger.End(*key);
        queue.Done(*key);
      }
    });
  }
  for (int i = 1; i <= kAdds; ++i) {
    generation.store(i);
    queue.Add("hot");
    if (i % (kAdds / kColdKeys) == 0) {
      queue.Add("cold-" + std::to_string(i));
    }
  }
  // Keys pending at shutdown are still handed out; workers stop when empty.
  queue.ShutDown();
  for (auto& worker : workers) {
    worker.join();
  }
  EXPECT_EQ(ledger.overlaps(), 0);
  const auto processed = ledger.processed();
  EXPECT_EQ(processed.size(), static_cast<std::size_t>(kColdKeys + 1));
  EXPECT_GE(processed.at("hot"), 1);
  EXPECT_LE(processed.at("hot"), kAdds) << "adds to a pending key are folded";
  // A processing started after the final add: no add was lost.
  EXPECT_EQ(ledger.newest_generation_seen(), kAdds);
}

// Records every report; thread-safe as the interface requires.
class RecordingMetrics : public WorkQueueMetrics {
 public:
  void SetDepth(std::int64_t depth) override { depth_ = depth; }
  void IncAdds() override { ++adds_; }
  void ObserveQueueLatency(Clock::Duration d) override { Push(latencies_, d); }
  void ObserveWorkDuration(Clock::Duration d) override { Push(durations_, d); }
  void IncRetries() override { ++retries_; }
  void SetUnfinishedWork(Clock::Duration total, Clock::Duration longest) override {
    std::lock_guard lock(mu_);
    unfinished_total_ = total;
    unfinished_longest_ = longest;
  }

  std::atomic<std::int64_t> depth_ = -1;
  std::atomic<int> adds_ = 0;
  std::atomic<int> retries_ = 0;
  std::mutex mu_;
  std::vector<Clock::Duration> latencies_;  // guarded by mu_
  std::vector<Clock::Duration> durations_;  // guarded by mu_
  Clock::Duration unfinished_total_{};      // guarded by mu_
  Clock::Duration unfinished_longest_{};    // guarded by mu_

 private:
  void Push(std::vector<Clock::Duration>& v, Clock::Duration d) {
    std::lock_guard lock(mu_);
    v.push_back(d);
  }
};

class RecordingProvider : public WorkQueueMetricsProvider {
 public:
  std::unique_ptr<WorkQueueMetrics> ForQueue(std::string_view queue_name) override {
    name_ = queue_name;
    auto metrics = std::make_unique<RecordingMetrics>();
    metrics_ = metrics.get();
    return metrics;
  }
  std::string name_;
  RecordingMetrics* metrics_ = nullptr;  // owned by the queue
};

TEST(WorkQueueMetricsTest, ReportsDepthAddsLatencyDurationRetriesAndUnfinishedWork) {
  FakeClock clock;
  RecordingProvider provider;
  WorkQueue queue(clock, {.name = "replication", .metrics_provider = &provider});
  ASSERT_NE(provider.metrics_, nullptr);
  RecordingMetrics& m = *provider.metrics_;
  EXPECT_EQ(provider.name_, "replication");

  std::stop_source stop;
  queue.Add("a");
  queue.Add("a");  // folded: not an add
  queue.Add("b");
  EXPECT_EQ(m.adds_, 2);
  EXPECT_EQ(m.depth_, 2);
  clock.Advance(seconds(2));
  ASSERT_EQ(queue.Get(stop.get_token()), "a");
  EXPECT_EQ(m.depth_, 1);
  clock.Advance(seconds(3));
  ASSERT_EQ(queue.Get(stop.get_token()), "b");
  clock.Advance(seconds(1));
  queue.ReportUnfinishedWork();
  {
    std::lock_guard lock(m.mu_);
    EXPECT_EQ(m.unfinished_total_, seconds(4 + 1));  // a for 4 s, b for 1 s
    EXPECT_EQ(m.unfinished_longest_, seconds(4));
  }
  queue.Done("a");
  queue.AddRateLimited("a");
  EXPECT_EQ(m.retries_, 1);
  std::lock_guard lock(m.mu_);
  EXPECT_EQ(m.latencies_, (std::vector<Clock::Duration>{seconds(2), seconds(5)}));
  EXPECT_EQ(m.durations_, (std::vector<Clock::Duration>{seconds(4)}));
}

}  // namespace
}  // namespace drs::runtime
