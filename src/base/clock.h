#pragma once
// Clock: the one source of time for dr-syncer. Production code takes a
// Clock& so tests can inject FakeClock and control time without sleeping.
// Now() is monotonic (deadlines, backoff, rate limits); WallNow() is the
// calendar time (status timestamps, cron, certificate and token expiry).
//
// Thread-safety: implementations are thread-safe.

#include <chrono>
#include <stop_token>

namespace drs {

class Clock {
 public:
  using Duration = std::chrono::steady_clock::duration;
  using TimePoint = std::chrono::steady_clock::time_point;
  using WallTime = std::chrono::system_clock::time_point;

  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  virtual WallTime WallNow() const = 0;
  // Blocks until Now() >= deadline or a stop is requested; returns false when
  // it was stopped before the deadline.
  virtual bool SleepUntil(TimePoint deadline, std::stop_token stop) = 0;
  bool SleepFor(Duration d, std::stop_token stop) { return SleepUntil(Now() + d, std::move(stop)); }
};

// The real clocks. Use RealClock::Get(); it lives for the whole program.
class RealClock final : public Clock {
 public:
  static RealClock& Get();
  TimePoint Now() const override { return std::chrono::steady_clock::now(); }
  WallTime WallNow() const override { return std::chrono::system_clock::now(); }
  bool SleepUntil(TimePoint deadline, std::stop_token stop) override;
};

}  // namespace drs
