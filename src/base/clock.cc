#include "base/clock.h"

#include <condition_variable>
#include <mutex>

namespace drs {

RealClock& RealClock::Get() {
  static RealClock clock;
  return clock;
}

bool RealClock::SleepUntil(TimePoint deadline, std::stop_token stop) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  // Nothing notifies this condition variable: it wakes at the deadline, or
  // early when the stop_token's callback interrupts the wait.
  cv.wait_until(lock, stop, deadline, [] { return false; });
  return !stop.stop_requested();
}

}  // namespace drs
