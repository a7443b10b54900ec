#include "base/backoff.h"

#include <algorithm>
#include <cmath>

namespace drs {

std::chrono::nanoseconds ExponentialBackoff::Delay(std::uint32_t attempt) const {
  // Computed in floating point so large attempt counts saturate at max
  // instead of overflowing.
  const double initial = static_cast<double>(policy_.initial.count());
  const double max = static_cast<double>(policy_.max.count());
  const double delay = initial * std::pow(policy_.factor, static_cast<double>(attempt));
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::min(delay, max)));
}

std::chrono::nanoseconds ExponentialBackoff::Delay(std::uint32_t attempt,
                                                   std::mt19937_64& rng) const {
  const auto base = Delay(attempt);
  if (policy_.jitter <= 0.0) return base;
  std::uniform_real_distribution<double> extra(0.0, policy_.jitter);
  const double jittered = static_cast<double>(base.count()) * (1.0 + extra(rng));
  return std::chrono::nanoseconds(static_cast<std::int64_t>(jittered));
}

}  // namespace drs
