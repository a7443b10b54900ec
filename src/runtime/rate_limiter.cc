#include "runtime/rate_limiter.h"

#include <algorithm>
#include <limits>

namespace drs::runtime {

namespace {
// The per-key backoff doubles on every failure, as client-go's does.
constexpr double kBackoffFactor = 2.0;

BackoffPolicy ExponentialPolicy(Clock::Duration base_delay, Clock::Duration max_delay) {
  BackoffPolicy policy;
  policy.initial = base_delay;
  policy.max = max_delay;
  policy.factor = kBackoffFactor;
  policy.jitter = 0.0;  // retries of one key never need de-synchronising
  return policy;
}
}  // namespace

ItemExponentialFailureRateLimiter::ItemExponentialFailureRateLimiter(Clock::Duration base_delay,
                                                                     Clock::Duration max_delay)
    : backoff_(ExponentialPolicy(base_delay, max_delay)) {}

Clock::Duration ItemExponentialFailureRateLimiter::When(const std::string& key) {
  std::uint32_t attempt = 0;
  {
    std::lock_guard lock(mu_);
    auto& failures = failures_[key];
    attempt = failures;
    // Saturate: past ~60 doublings the delay is pinned at max anyway.
    if (failures < std::numeric_limits<std::uint32_t>::max()) {
      ++failures;
    }
  }
  return std::chrono::duration_cast<Clock::Duration>(backoff_.Delay(attempt));
}

void ItemExponentialFailureRateLimiter::Forget(const std::string& key) {
  std::lock_guard lock(mu_);
  failures_.erase(key);
}

int ItemExponentialFailureRateLimiter::NumRequeues(const std::string& key) {
  std::lock_guard lock(mu_);
  const auto it = failures_.find(key);
  if (it == failures_.end()) {
    return 0;
  }
  return static_cast<int>(std::min<std::uint32_t>(it->second, std::numeric_limits<int>::max()));
}

ItemFastSlowRateLimiter::ItemFastSlowRateLimiter(Clock::Duration fast_delay,
                                                 Clock::Duration slow_delay, int max_fast_attempts)
    : fast_delay_(fast_delay), slow_delay_(slow_delay), max_fast_attempts_(max_fast_attempts) {}

Clock::Duration ItemFastSlowRateLimiter::When(const std::string& key) {
  std::lock_guard lock(mu_);
  auto& failures = failures_[key];
  if (failures < std::numeric_limits<int>::max()) {
    ++failures;
  }
  return failures <= max_fast_attempts_ ? fast_delay_ : slow_delay_;
}

void ItemFastSlowRateLimiter::Forget(const std::string& key) {
  std::lock_guard lock(mu_);
  failures_.erase(key);
}

int ItemFastSlowRateLimiter::NumRequeues(const std::string& key) {
  std::lock_guard lock(mu_);
  const auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

BucketRateLimiter::BucketRateLimiter(Clock& clock, double qps, int burst)
    : bucket_(clock, qps, burst) {}

Clock::Duration BucketRateLimiter::When(const std::string& /*key*/) { return bucket_.Reserve(); }

void BucketRateLimiter::Forget(const std::string& /*key*/) {}

int BucketRateLimiter::NumRequeues(const std::string& /*key*/) { return 0; }

MaxOfRateLimiter::MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters)
    : limiters_(std::move(limiters)) {}

Clock::Duration MaxOfRateLimiter::When(const std::string& key) {
  Clock::Duration longest = Clock::Duration::zero();
  for (const auto& limiter : limiters_) {
    longest = std::max(longest, limiter->When(key));
  }
  return longest;
}

void MaxOfRateLimiter::Forget(const std::string& key) {
  for (const auto& limiter : limiters_) {
    limiter->Forget(key);
  }
}

int MaxOfRateLimiter::NumRequeues(const std::string& key) {
  int most = 0;
  for (const auto& limiter : limiters_) {
    most = std::max(most, limiter->NumRequeues(key));
  }
  return most;
}

std::unique_ptr<RateLimiter> DefaultControllerRateLimiter(Clock& clock) {
  std::vector<std::unique_ptr<RateLimiter>> limiters;
  limiters.push_back(std::make_unique<ItemExponentialFailureRateLimiter>());
  limiters.push_back(std::make_unique<BucketRateLimiter>(clock));
  return std::make_unique<MaxOfRateLimiter>(std::move(limiters));
}

}  // namespace drs::runtime
