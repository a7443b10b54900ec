#include "runtime/event_correlator.h"

#include <algorithm>
#include <limits>

namespace drs::runtime {

EventCorrelator::EventCorrelator(EventCorrelatorOptions options)
    : options_(options), buckets_(options.max_tracked), series_(options.max_tracked) {}

bool EventCorrelator::TakeToken(const std::string& object, Clock::TimePoint now) {
  Bucket* bucket = buckets_.Find(object);
  if (bucket == nullptr) {
    bucket =
        &buckets_.Put(object, Bucket{.tokens = static_cast<double>(options_.burst), .last = now});
  }
  const double refilled = std::chrono::duration<double>(now - bucket->last).count() /
                          std::chrono::duration<double>(options_.refill_interval).count();
  bucket->tokens = std::min(static_cast<double>(options_.burst), bucket->tokens + refilled);
  bucket->last = now;
  if (bucket->tokens < 1.0) {
    return false;
  }
  bucket->tokens -= 1.0;
  return true;
}

Correlation EventCorrelator::Observe(const EventKey& key, Clock::TimePoint now,
                                     Clock::WallTime wall_now) {
  if (!TakeToken(key.object, now)) {
    return {.action = Correlation::Action::kDrop};
  }
  Series* series = series_.Find(key);
  if (series == nullptr || now - series->last_seen > options_.aggregation_window) {
    series = &series_.Put(key, Series{.count = 0, .first_timestamp = wall_now});
  }
  // Saturate: an int32 count is what the Event API stores.
  if (series->count < std::numeric_limits<std::int32_t>::max()) {
    ++series->count;
  }
  series->last_seen = now;
  if (series->event_name.empty()) {
    // New, or the create of an earlier occurrence failed: (re)create with the
    // count so far.
    return {.action = Correlation::Action::kCreate,
            .count = series->count,
            .first_timestamp = series->first_timestamp};
  }
  return {.action = Correlation::Action::kPatch,
          .count = series->count,
          .event_name = series->event_name,
          .first_timestamp = series->first_timestamp};
}

void EventCorrelator::Recorded(const EventKey& key, const std::string& name) {
  if (Series* series = series_.Find(key)) {
    series->event_name = name;
  }
}

}  // namespace drs::runtime
