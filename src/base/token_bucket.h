#pragma once
// TokenBucket: a rate limiter with a sustained rate (tokens per second) and a
// burst. Used for client-side QPS/burst and as the work queue's global cap.
// Reserve() never blocks: it returns how long the caller must wait before
// acting, and the token is then already spent (client-go's
// rate.Limiter.Reserve semantics). Wait() blocks on the injected Clock.
//
// Thread-safety: thread-safe.

#include <mutex>
#include <stop_token>

#include "base/clock.h"

namespace drs {

class TokenBucket {
 public:
  // REQUIRES: qps > 0, burst >= 1.
  TokenBucket(Clock& clock, double qps, int burst);

  Clock::Duration Reserve();
  // Waits for a token; returns false when stopped first (the token is lost).
  bool Wait(std::stop_token stop);

  double qps() const { return qps_; }
  int burst() const { return burst_; }

 private:
  Clock& clock_;
  const double qps_;
  const int burst_;
  std::mutex mu_;
  double tokens_;          // guarded by mu_; may go negative (debt of reservations)
  Clock::TimePoint last_;  // guarded by mu_
};

}  // namespace drs
