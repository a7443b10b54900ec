#pragma once
// Rate limiters for the work queue (client-go's util/workqueue): they decide
// how long a key waits before it is retried. Per-key limiters back off a key
// that keeps failing; the bucket limiter caps the overall retry rate so a
// storm of failures cannot flood the API server. DefaultControllerRateLimiter
// combines both, as every controller uses.
//
// Thread-safety: every RateLimiter here is thread-safe.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/backoff.h"
#include "base/clock.h"
#include "base/token_bucket.h"

namespace drs::runtime {

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // How long `key` should wait now; also records the attempt.
  virtual Clock::Duration When(const std::string& key) = 0;
  // Stops tracking `key` (it succeeded): its next failure starts over.
  virtual void Forget(const std::string& key) = 0;
  // How many times `key` has been limited since it was last forgotten.
  virtual int NumRequeues(const std::string& key) = 0;
};

// Per-key exponential backoff: base * 2^failures, capped at max_delay.
// Defaults are client-go's (5 ms .. 1000 s).
class ItemExponentialFailureRateLimiter final : public RateLimiter {
 public:
  static constexpr Clock::Duration kDefaultBaseDelay = std::chrono::milliseconds(5);
  static constexpr Clock::Duration kDefaultMaxDelay = std::chrono::seconds(1000);

  explicit ItemExponentialFailureRateLimiter(Clock::Duration base_delay = kDefaultBaseDelay,
                                             Clock::Duration max_delay = kDefaultMaxDelay);

  Clock::Duration When(const std::string& key) override;
  void Forget(const std::string& key) override;
  int NumRequeues(const std::string& key) override;

 private:
  const ExponentialBackoff backoff_;
  std::mutex mu_;
  std::unordered_map<std::string, std::uint32_t> failures_;  // guarded by mu_
};

// Per-key: fast_delay for the first max_fast_attempts tries, then slow_delay.
// Suits polling something that is expected to become ready soon.
class ItemFastSlowRateLimiter final : public RateLimiter {
 public:
  // REQUIRES: max_fast_attempts >= 0.
  ItemFastSlowRateLimiter(Clock::Duration fast_delay, Clock::Duration slow_delay,
                          int max_fast_attempts);

  Clock::Duration When(const std::string& key) override;
  void Forget(const std::string& key) override;
  int NumRequeues(const std::string& key) override;

 private:
  const Clock::Duration fast_delay_;
  const Clock::Duration slow_delay_;
  const int max_fast_attempts_;
  std::mutex mu_;
  std::unordered_map<std::string, int> failures_;  // guarded by mu_
};

// One token bucket shared by all keys: an overall retry rate with a burst.
// It keeps no per-key state, so Forget does nothing and NumRequeues is 0.
class BucketRateLimiter final : public RateLimiter {
 public:
  // client-go's defaults: high enough never to slow a healthy controller,
  // low enough to stop a hot retry loop from hammering the API server.
  static constexpr double kDefaultQps = 10.0;
  static constexpr int kDefaultBurst = 100;

  // REQUIRES: qps > 0, burst >= 1; `clock` outlives this limiter.
  explicit BucketRateLimiter(Clock& clock, double qps = kDefaultQps, int burst = kDefaultBurst);

  Clock::Duration When(const std::string& key) override;
  void Forget(const std::string& key) override;
  int NumRequeues(const std::string& key) override;

 private:
  TokenBucket bucket_;  // thread-safe itself
};

// The strictest of several limiters: When asks every child (so each records
// the attempt) and returns the longest wait.
class MaxOfRateLimiter final : public RateLimiter {
 public:
  // REQUIRES: no child is null.
  explicit MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters);

  Clock::Duration When(const std::string& key) override;
  void Forget(const std::string& key) override;
  int NumRequeues(const std::string& key) override;

 private:
  const std::vector<std::unique_ptr<RateLimiter>> limiters_;  // thread-safe themselves
};

// max(per-key exponential 5 ms .. 1000 s, overall bucket 10 qps / burst 100).
// REQUIRES: `clock` outlives the returned limiter.
std::unique_ptr<RateLimiter> DefaultControllerRateLimiter(Clock& clock);

}  // namespace drs::runtime
