#pragma once
// EventCorrelator: decides, for each occurrence of an event, whether to
// create a new Kubernetes Event, bump the count of the one already sent, or
// drop it — client-go's EventCorrelator without the I/O:
//   - spam filter: a token bucket per involved object (burst 25, one token
//     back every 5 minutes), so a hot reconcile loop cannot flood the API
//     server; every occurrence spends a token, repeats included;
//   - aggregation: a repeat of the same (object, type, reason, message)
//     within the window of its previous occurrence becomes a PATCH of the
//     existing Event with count+1 and a new lastTimestamp.
// Unlike client-go it does not also fold events that differ only in their
// message into a "(combined from similar events)" one.
//
// Thread-safety: not thread-safe. Owned by the event recorder's sender
// thread, which feeds it occurrences in order. Time is passed in, so tests
// drive it with a FakeClock.

#include <compare>
#include <cstdint>
#include <string>

#include "base/clock.h"
#include "runtime/lru_map.h"

namespace drs::runtime {

// What makes two occurrences "the same event".
struct EventKey {
  std::string object;  // identifies the involved object (ObjectIdentity below)
  std::string type;
  std::string reason;
  std::string message;
  friend auto operator<=>(const EventKey&, const EventKey&) = default;
};

struct EventCorrelatorOptions {
  // client-go's spam filter defaults: 25 at once, then one per 5 minutes.
  int burst = 25;
  Clock::Duration refill_interval = std::chrono::minutes(5);
  // client-go aggregates over 10 minutes; a repeat after a longer pause
  // starts a new Event rather than reviving an old one.
  Clock::Duration aggregation_window = std::chrono::minutes(10);
  // Objects (and distinct events) remembered; the least recently seen are
  // forgotten first, matching client-go's 4096-entry caches.
  std::size_t max_tracked = 4096;
};

struct Correlation {
  enum class Action { kCreate, kPatch, kDrop };
  Action action = Action::kDrop;
  std::int32_t count = 0;           // occurrences so far, this one included
  std::string event_name;           // kPatch: the Event to update
  Clock::WallTime first_timestamp;  // when the series began
};

class EventCorrelator {
 public:
  explicit EventCorrelator(EventCorrelatorOptions options = {});

  // Accounts for one occurrence at `now` (`wall_now` on the calendar).
  Correlation Observe(const EventKey& key, Clock::TimePoint now, Clock::WallTime wall_now);
  // The Event for `key`'s series now exists as `name`; later repeats patch it.
  void Recorded(const EventKey& key, const std::string& name);

 private:
  struct Bucket {
    double tokens = 0;
    Clock::TimePoint last;
  };
  struct Series {
    std::string event_name;  // empty until created
    std::int32_t count = 0;
    Clock::WallTime first_timestamp;
    Clock::TimePoint last_seen;
  };
  bool TakeToken(const std::string& object, Clock::TimePoint now);

  const EventCorrelatorOptions options_;
  LruMap<std::string, Bucket> buckets_;
  LruMap<EventKey, Series> series_;
};

}  // namespace drs::runtime
