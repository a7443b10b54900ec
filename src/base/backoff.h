#pragma once
// Exponential backoff with optional jitter: initial * factor^attempt, capped
// at max. Used for per-item requeues (client-go: 5 ms -> 1000 s), request
// retries and mover Job retries.
//
// Thread-safety: ExponentialBackoff is immutable after construction and safe
// to share; Jitter() takes the random source explicitly.

#include <chrono>
#include <cstdint>
#include <random>

namespace drs {

struct BackoffPolicy {
  std::chrono::nanoseconds initial = std::chrono::milliseconds(5);
  std::chrono::nanoseconds max = std::chrono::seconds(1000);
  double factor = 2.0;
  // Fraction of the delay added at random: delay * (1 + U[0, jitter)).
  // 0 keeps delays deterministic (the work queue); data movers use 0.2 so
  // many retries do not synchronise.
  double jitter = 0.0;
};

class ExponentialBackoff {
 public:
  explicit ExponentialBackoff(BackoffPolicy policy) : policy_(policy) {}
  // The delay before retry number `attempt` (0 = first retry), without jitter.
  std::chrono::nanoseconds Delay(std::uint32_t attempt) const;
  // The same with the policy's jitter applied, drawn from `rng`.
  std::chrono::nanoseconds Delay(std::uint32_t attempt, std::mt19937_64& rng) const;
  const BackoffPolicy& policy() const { return policy_; }

 private:
  BackoffPolicy policy_;
};

}  // namespace drs
