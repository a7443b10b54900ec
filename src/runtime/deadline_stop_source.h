#pragma once
// DeadlineStopSource: a std::stop_source that requests stop by itself once a
// deadline on the injected Clock passes, or when a parent token stops, or
// when asked. Blocking calls that honour a stop_token (API requests, clock
// sleeps) thereby honour a deadline too — the way a Go context.WithTimeout
// bounds leader election's renewals. The deadline can be pushed later while
// it runs, which is how a leader's term is extended by every renewal.
//
// Thread-safety: thread-safe. Owns one std::jthread that sleeps on the clock
// until the deadline; the destructor stops and joins it.

#include <mutex>
#include <stop_token>
#include <thread>

#include "base/clock.h"

namespace drs::runtime {

class DeadlineStopSource {
 public:
  // REQUIRES: `clock` outlives this object.
  DeadlineStopSource(Clock& clock, Clock::TimePoint deadline, std::stop_token parent = {});
  ~DeadlineStopSource();
  DeadlineStopSource(const DeadlineStopSource&) = delete;
  DeadlineStopSource& operator=(const DeadlineStopSource&) = delete;

  std::stop_token token() const { return source_.get_token(); }
  // Moves the deadline. REQUIRES: not earlier than the current one (the timer
  // thread only looks again when the old deadline arrives).
  void Extend(Clock::TimePoint deadline);
  void RequestStop() { source_.request_stop(); }
  // True when the stop came from the deadline passing.
  bool expired() const;

 private:
  // Forwards a parent's stop; holds a copy of the (shared-state) source.
  struct ForwardStop {
    std::stop_source target;
    void operator()() { target.request_stop(); }
  };

  void Watch(std::stop_token timer_stop);

  Clock& clock_;
  std::stop_source source_;
  mutable std::mutex mu_;
  Clock::TimePoint deadline_;  // guarded by mu_
  bool expired_ = false;       // guarded by mu_
  // Declared after the state it uses so it starts last and is joined first.
  std::stop_callback<ForwardStop> forward_parent_;
  std::jthread timer_;
};

}  // namespace drs::runtime
