#pragma once
// EventRecorder: Kubernetes Events about objects, the way client-go's
// record.EventRecorder makes them — for users to read with
// `kubectl describe` and `kubectl get events`:
//
//   recorder.Event(replication, EventType::kWarning, "SyncFailed",
//                  "cannot reach cluster \"dr\": connection refused");
//
// Event() never blocks: it queues the event for a background sender and
// returns, dropping (and counting) the event when the bounded queue is
// full. The sender applies EventCorrelator: repeats of the same event are
// folded into one Event whose count and lastTimestamp are patched, and a
// per-object token bucket stops a hot loop from flooding the API server.
// Events are best effort: a failed write is logged and not retried.
//
// SECRETS: reasons and messages are stored in the cluster in clear text and
// are readable by anyone allowed to list Events in the namespace. Never put
// Secret data, tokens, keys, passwords or credentials-bearing URLs in them;
// name the object at fault instead.
//
// Thread-safety: EventRecorder implementations are thread-safe.
// KubeEventRecorder owns one sender std::jthread, stopped by Shutdown and
// the destructor.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "runtime/event_correlator.h"
#include "runtime/event_object.h"
#include "runtime/event_sink.h"

namespace drs::runtime {

class EventRecorder {
 public:
  virtual ~EventRecorder() = default;
  // Records that `reason` happened to `object` (a whole object as read from
  // the API: apiVersion, kind and metadata are used). `reason` is a short
  // UpperCamelCase word; `message` is for humans and is cut to 1024 bytes.
  virtual void Event(const nlohmann::json& object, EventType type, std::string_view reason,
                     std::string_view message) = 0;
};

struct KubeEventRecorderOptions {
  EventSource source;
  // client-go's maxQueuedEvents: a burst well above any steady rate, small
  // enough that the queue's memory does not matter.
  std::size_t queue_capacity = 1000;
  EventCorrelatorOptions correlator;
};

class KubeEventRecorder final : public EventRecorder {
 public:
  struct Stats {
    std::uint64_t created = 0;
    std::uint64_t patched = 0;
    std::uint64_t dropped_queue_full = 0;  // also counts events left at or sent after Shutdown
    std::uint64_t dropped_spam = 0;
    std::uint64_t failed = 0;
  };

  // REQUIRES: `clock` outlives the recorder.
  KubeEventRecorder(std::unique_ptr<EventSink> sink, Clock& clock,
                    KubeEventRecorderOptions options);
  // Stops the sender at once: a write in flight is cancelled, queued events
  // are dropped. Call Shutdown first to deliver them.
  ~KubeEventRecorder() override;
  KubeEventRecorder(const KubeEventRecorder&) = delete;
  KubeEventRecorder& operator=(const KubeEventRecorder&) = delete;

  void Event(const nlohmann::json& object, EventType type, std::string_view reason,
             std::string_view message) override;

  // Waits until the queue is empty and the sender idle; false if `timeout`
  // passed first. The wait is on the sender's real I/O, so it is in real time.
  bool Flush(std::chrono::milliseconds timeout);
  // Flush(drain_timeout), then stops the sender; later events are dropped.
  // Idempotent.
  void Shutdown(std::chrono::milliseconds drain_timeout);

  Stats stats() const;

 private:
  struct Pending {
    nlohmann::json involved_object;
    std::string object_name;
    std::string description;  // for logs: "apps/v1 Deployment shop/web"
    std::string ns;
    EventType type = EventType::kNormal;
    std::string reason;
    std::string message;
    Clock::TimePoint time;
    Clock::WallTime wall_time;
  };

  void SendLoop(std::stop_token stop);
  void Send(const Pending& event, std::stop_token stop);
  // Creates a new Event for `event`'s series; true on success.
  bool Create(const Pending& event, const EventKey& key, const Correlation& correlation,
              std::stop_token stop);
  // Unique and increasing per recorder: event names never collide even
  // when the (possibly fake) clock stands still. Sender thread only.
  std::uint64_t NextUnique(Clock::WallTime wall_time);

  const std::unique_ptr<EventSink> sink_;
  Clock& clock_;
  const KubeEventRecorderOptions options_;

  // Only the sender thread touches these.
  EventCorrelator correlator_;
  std::uint64_t last_unique_ = 0;

  mutable std::mutex mu_;
  std::condition_variable_any queued_cv_;  // the sender waits for work
  std::condition_variable idle_cv_;        // Flush waits for the sender to be idle
  std::deque<Pending> queue_;              // guarded by mu_
  bool busy_ = false;                      // guarded by mu_; an event is being sent
  bool shut_down_ = false;                 // guarded by mu_

  std::atomic<std::uint64_t> created_{0};
  std::atomic<std::uint64_t> patched_{0};
  std::atomic<std::uint64_t> dropped_queue_full_{0};
  std::atomic<std::uint64_t> dropped_spam_{0};
  std::atomic<std::uint64_t> failed_{0};

  std::mutex shutdown_mu_;  // serialises Shutdown and the destructor
  std::jthread sender_;     // last: started after, and stopped before, the rest
};

}  // namespace drs::runtime
