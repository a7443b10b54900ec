#pragma once
// WorkQueue: the rate-limited, delaying queue of object keys between event
// handlers and reconcile workers, with client-go's workqueue semantics:
//   - a key pending once is pending once, however often it is added;
//   - a key is never handed to two workers at once: a key added while a
//     worker holds it is marked dirty and handed out again only after Done;
//   - AddAfter parks a key until a deadline on the injected Clock (an
//     earlier deadline for a parked key replaces a later one), and
//     AddRateLimited parks it for as long as the rate limiter says.
// Typical worker:
//   while (auto key = queue.Get(stop)) {
//     if (Reconcile(*key).ok()) queue.Forget(*key); else queue.AddRateLimited(*key);
//     queue.Done(*key);
//   }
//
// Thread-safety: thread-safe. The queue owns one std::jthread that moves
// parked keys into the queue when their time comes; it is stopped by
// ShutDown and joined by the destructor. REQUIRES for destruction: no other
// thread is inside a method of the queue (join the workers first).

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <unordered_map>

#include "base/clock.h"
#include "runtime/rate_limiter.h"
#include "runtime/work_queue_metrics.h"

namespace drs::runtime {

struct WorkQueueOptions {
  // Labels the queue's metrics; by convention the controller's name.
  std::string name;
  // Null means DefaultControllerRateLimiter on the queue's clock.
  std::unique_ptr<RateLimiter> rate_limiter;
  // Null means no metrics. Not owned; only used during construction.
  WorkQueueMetricsProvider* metrics_provider = nullptr;
};

class WorkQueue {
 public:
  // REQUIRES: `clock` outlives the queue.
  WorkQueue(Clock& clock, WorkQueueOptions options);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Makes `key` pending now. Ignored once shutting down.
  void Add(const std::string& key);
  // Makes `key` pending after `delay` (now if delay <= 0). Ignored once
  // shutting down; parked keys are dropped at shutdown.
  void AddAfter(const std::string& key, Clock::Duration delay);
  // AddAfter(key, rate_limiter.When(key)): the retry of a failed key.
  void AddRateLimited(const std::string& key);
  // The key succeeded: its rate limiting starts over. Does not remove it
  // from the queue.
  void Forget(const std::string& key);
  int NumRequeues(const std::string& key);

  // Blocks until a key is available and hands it out; the caller must call
  // Done(key) when finished with it. Returns nullopt when `stop` is
  // requested, or when the queue is shutting down and has nothing left
  // (keys already pending at shutdown are still handed out, as in client-go).
  std::optional<std::string> Get(std::stop_token stop);
  // REQUIRES: `key` was returned by Get and Done was not called for it since.
  void Done(const std::string& key);

  // Keys pending and not handed out (parked keys not included).
  int Len() const;
  // Callers blocked in Get: idle workers, for tests and an idle gauge.
  int NumWaiting() const;
  // Wakes all Get waiters, ignores further adds, drops parked keys.
  void ShutDown();
  // ShutDown, then blocks until every key handed out is Done. Returns false
  // when `stop` or a plain ShutDown ended the wait first.
  bool ShutDownWithDrain(std::stop_token stop = {});
  bool ShuttingDown() const;

  // Reports work handed out and not yet Done to the metrics; the metrics
  // layer calls this periodically or on scrape.
  void ReportUnfinishedWork();

  const std::string& name() const { return name_; }

 private:
  // A parked key. Ordered by deadline, then by arrival, so equal deadlines
  // come out first in, first out.
  struct Parked {
    Clock::TimePoint ready_at;
    std::uint64_t seq;
    std::string key;
    bool operator<(const Parked& other) const {
      return ready_at != other.ready_at ? ready_at < other.ready_at : seq < other.seq;
    }
  };

  // REQUIRES: mu_ held.
  void AddLocked(const std::string& key, Clock::TimePoint now);
  void MoveReadyLocked(Clock::TimePoint now);
  void ReportDepthLocked();

  // Body of parker_: sleeps on the clock until the earliest parked key is
  // due, moves due keys into the queue, and repeats until shutdown.
  void ParkLoop(std::stop_token stop);

  Clock& clock_;
  const std::string name_;
  const std::unique_ptr<RateLimiter> rate_limiter_;  // thread-safe itself
  const std::unique_ptr<WorkQueueMetrics> metrics_;  // thread-safe itself

  mutable std::mutex mu_;
  // Get waiters wait for an available key or shutdown.
  std::condition_variable_any item_cv_;
  // ShutDownWithDrain waits for processing_ to empty.
  std::condition_variable_any drain_cv_;
  // ParkLoop waits here when nothing is parked.
  std::condition_variable_any park_cv_;

  // Invariants: queue_ holds each key at most once; every key in queue_ is
  // in dirty_; no key is in both queue_ and processing_.
  std::deque<std::string> queue_;  // guarded by mu_
  // Keys that need processing, with the time they became pending (for the
  // latency metric). A dirty key that is processing goes to queue_ on Done.
  std::unordered_map<std::string, Clock::TimePoint> dirty_;  // guarded by mu_
  // Keys handed out by Get and not yet Done, with the time they were handed out.
  std::unordered_map<std::string, Clock::TimePoint> processing_;  // guarded by mu_
  bool shutting_down_ = false;                                    // guarded by mu_
  bool draining_ = false;                                         // guarded by mu_
  int waiting_ = 0;                                               // guarded by mu_

  std::set<Parked> parked_;                                                    // guarded by mu_
  std::unordered_map<std::string, std::set<Parked>::iterator> parked_by_key_;  // guarded by mu_
  std::uint64_t next_seq_ = 0;                                                 // guarded by mu_
  // Set while ParkLoop sleeps on the clock; requesting a stop on it wakes
  // ParkLoop early, when an earlier deadline arrives or at shutdown.
  std::optional<std::stop_source> park_sleep_;  // guarded by mu_

  // Last member: started after, and joined before, everything above.
  std::jthread parker_;
};

}  // namespace drs::runtime
