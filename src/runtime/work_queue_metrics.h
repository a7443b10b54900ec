#pragma once
// Metrics hooks of the work queue, after client-go's workqueue metrics: the
// queue reports what happens to it; an implementation (Prometheus, later)
// turns the reports into series labelled with the queue's name. The base
// class reports nowhere and is the default.
//
// Thread-safety: the queue calls a WorkQueueMetrics from any thread, and may
// hold its own lock while doing so (so a depth report cannot be overtaken by
// an older one). Implementations must be thread-safe, quick, and must not
// call back into the queue. A provider is called once per queue, at its
// construction.

#include <cstdint>
#include <memory>
#include <string_view>

#include "base/clock.h"

namespace drs::runtime {

class WorkQueueMetrics {
 public:
  virtual ~WorkQueueMetrics() = default;
  // Keys waiting to be handed to a worker (a gauge).
  virtual void SetDepth(std::int64_t /*depth*/) {}
  // A key became pending; adds folded into an already pending key do not count.
  virtual void IncAdds() {}
  // Time from a key becoming pending to the Get that handed it out.
  virtual void ObserveQueueLatency(Clock::Duration /*latency*/) {}
  // Time from Get to Done.
  virtual void ObserveWorkDuration(Clock::Duration /*duration*/) {}
  // A rate-limited add (a retry).
  virtual void IncRetries() {}
  // Work handed out and not yet Done: summed over workers, and the longest
  // running one. Reported when WorkQueue::ReportUnfinishedWork is called.
  virtual void SetUnfinishedWork(Clock::Duration /*total*/, Clock::Duration /*longest*/) {}
};

// Makes the metrics of one named queue.
class WorkQueueMetricsProvider {
 public:
  virtual ~WorkQueueMetricsProvider() = default;
  virtual std::unique_ptr<WorkQueueMetrics> ForQueue(std::string_view queue_name) = 0;
};

}  // namespace drs::runtime
