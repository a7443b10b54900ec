#include "runtime/work_queue_prometheus.h"

#include <chrono>
#include <string>

namespace drs::runtime {
namespace {

// controller-runtime's ExponentialBuckets(10e-9, 10, 12): 10 ns to 1000 s,
// one bucket per decade, so both a map lookup and a stuck reconcile land in
// a bucket of their own. Spelled out so the `le` labels print exactly.
std::vector<double> DecadeBuckets() {
  return {1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000};
}

double Seconds(Clock::Duration d) { return std::chrono::duration<double>(d).count(); }

class QueueMetrics final : public WorkQueueMetrics {
 public:
  QueueMetrics(Gauge& depth, Counter& adds, Counter& retries, Histogram& queue_duration,
               Histogram& work_duration, Gauge& unfinished_work, Gauge& longest_running)
      : depth_(depth),
        adds_(adds),
        retries_(retries),
        queue_duration_(queue_duration),
        work_duration_(work_duration),
        unfinished_work_(unfinished_work),
        longest_running_(longest_running) {}

  void SetDepth(std::int64_t depth) override { depth_.Set(static_cast<double>(depth)); }
  void IncAdds() override { adds_.Inc(); }
  void ObserveQueueLatency(Clock::Duration latency) override {
    queue_duration_.ObserveDuration(latency);
  }
  void ObserveWorkDuration(Clock::Duration duration) override {
    work_duration_.ObserveDuration(duration);
  }
  void IncRetries() override { retries_.Inc(); }
  void SetUnfinishedWork(Clock::Duration total, Clock::Duration longest) override {
    unfinished_work_.Set(Seconds(total));
    longest_running_.Set(Seconds(longest));
  }

 private:
  Gauge& depth_;
  Counter& adds_;
  Counter& retries_;
  Histogram& queue_duration_;
  Histogram& work_duration_;
  Gauge& unfinished_work_;
  Gauge& longest_running_;
};

}  // namespace

PrometheusWorkQueueMetrics::PrometheusWorkQueueMetrics(Registry& registry)
    : depth_(registry.AddGauge("workqueue_depth", "Current depth of workqueue", {"name"})),
      adds_(registry.AddCounter("workqueue_adds_total", "Total number of adds handled by workqueue",
                                {"name"})),
      retries_(registry.AddCounter("workqueue_retries_total",
                                   "Total number of retries handled by workqueue", {"name"})),
      queue_duration_(registry.AddHistogram(
          "workqueue_queue_duration_seconds",
          "How long in seconds an item stays in workqueue before being requested", {"name"},
          DecadeBuckets())),
      work_duration_(
          registry.AddHistogram("workqueue_work_duration_seconds",
                                "How long in seconds processing an item from workqueue takes.",
                                {"name"}, DecadeBuckets())),
      unfinished_work_(registry.AddGauge(
          "workqueue_unfinished_work_seconds",
          "How many seconds of work has been done that is in progress and hasn't been observed "
          "by work_duration. Large values indicate stuck threads. One can deduce the number of "
          "stuck threads by observing the rate at which this increases.",
          {"name"})),
      longest_running_(registry.AddGauge(
          "workqueue_longest_running_processor_seconds",
          "How many seconds has the longest running processor for workqueue been running.",
          {"name"})) {}

std::unique_ptr<WorkQueueMetrics> PrometheusWorkQueueMetrics::ForQueue(
    std::string_view queue_name) {
  const std::vector<std::string> labels{std::string(queue_name)};
  return std::make_unique<QueueMetrics>(
      depth_.WithLabels(labels), adds_.WithLabels(labels), retries_.WithLabels(labels),
      queue_duration_.WithLabels(labels), work_duration_.WithLabels(labels),
      unfinished_work_.WithLabels(labels), longest_running_.WithLabels(labels));
}

}  // namespace drs::runtime
