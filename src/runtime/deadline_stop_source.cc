#include "runtime/deadline_stop_source.h"

namespace drs::runtime {

DeadlineStopSource::DeadlineStopSource(Clock& clock, Clock::TimePoint deadline,
                                       std::stop_token parent)
    : clock_(clock),
      deadline_(deadline),
      forward_parent_(std::move(parent), ForwardStop{source_}),
      timer_([this](std::stop_token timer_stop) { Watch(std::move(timer_stop)); }) {}

DeadlineStopSource::~DeadlineStopSource() {
  timer_.request_stop();
  if (timer_.joinable()) timer_.join();
}

void DeadlineStopSource::Extend(Clock::TimePoint deadline) {
  std::lock_guard lock(mu_);
  if (deadline > deadline_) deadline_ = deadline;
}

bool DeadlineStopSource::expired() const {
  std::lock_guard lock(mu_);
  return expired_;
}

void DeadlineStopSource::Watch(std::stop_token timer_stop) {
  // Once the source is stopped for any reason there is nothing left to time.
  const std::stop_token stopped = source_.get_token();
  std::stop_source wake;
  const std::stop_callback on_timer_stop(timer_stop, [&wake] { wake.request_stop(); });
  const std::stop_callback on_stopped(stopped, [&wake] { wake.request_stop(); });
  while (true) {
    Clock::TimePoint deadline;
    {
      std::lock_guard lock(mu_);
      deadline = deadline_;
    }
    if (!clock_.SleepUntil(deadline, wake.get_token())) return;
    std::lock_guard lock(mu_);
    // Extend may have moved the deadline while we slept: then sleep again.
    if (clock_.Now() >= deadline_) {
      expired_ = true;
      break;
    }
  }
  source_.request_stop();
}

}  // namespace drs::runtime
