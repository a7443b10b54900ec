#pragma once
// FakeClock: a Clock for tests. Time moves only when the test calls Advance;
// sleepers wake when their deadline is reached. WaitForSleepers lets a test
// wait (without sleeping) until worker threads are parked on the clock.
//
// Thread-safety: thread-safe.

#include <condition_variable>
#include <mutex>

#include "base/clock.h"

namespace drs {

class FakeClock final : public Clock {
 public:
  FakeClock();
  TimePoint Now() const override;
  WallTime WallNow() const override;
  bool SleepUntil(TimePoint deadline, std::stop_token stop) override;

  void Advance(Duration d);
  void SetWall(WallTime t);
  // Blocks until at least N threads are inside SleepUntil.
  void WaitForSleepers(int n);
  int sleepers() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  TimePoint now_;      // guarded by mu_
  WallTime wall_now_;  // guarded by mu_
  int sleepers_ = 0;   // guarded by mu_
};

}  // namespace drs
