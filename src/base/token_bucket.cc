#include "base/token_bucket.h"

#include <algorithm>

namespace drs {

TokenBucket::TokenBucket(Clock& clock, double qps, int burst)
    : clock_(clock), qps_(qps), burst_(burst), tokens_(burst), last_(clock.Now()) {}

Clock::Duration TokenBucket::Reserve() {
  std::lock_guard lock(mu_);
  const auto now = clock_.Now();
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(static_cast<double>(burst_), tokens_ + elapsed * qps_);
  last_ = now;
  tokens_ -= 1.0;
  if (tokens_ >= 0.0) return Clock::Duration::zero();
  return std::chrono::duration_cast<Clock::Duration>(
      std::chrono::duration<double>(-tokens_ / qps_));
}

bool TokenBucket::Wait(std::stop_token stop) {
  const auto wait = Reserve();
  if (wait == Clock::Duration::zero()) return !stop.stop_requested();
  return clock_.SleepFor(wait, std::move(stop));
}

}  // namespace drs
