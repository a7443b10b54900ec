#pragma once
// WorkQueueMetrics reported as Prometheus series with controller-runtime's
// names, one series per queue (label `name`):
//   workqueue_depth, workqueue_adds_total, workqueue_retries_total,
//   workqueue_queue_duration_seconds, workqueue_work_duration_seconds,
//   workqueue_unfinished_work_seconds, workqueue_longest_running_processor_seconds.
//
// Thread-safety: thread-safe. The provider and the metrics it makes only
// touch atomics after construction, so the queue may call them under its lock.

#include <memory>
#include <string_view>

#include "runtime/metrics.h"
#include "runtime/work_queue_metrics.h"

namespace drs::runtime {

class PrometheusWorkQueueMetrics final : public WorkQueueMetricsProvider {
 public:
  // Registers the families (shared with any other provider on `registry`).
  // REQUIRES: `registry` outlives this provider and every queue it served.
  explicit PrometheusWorkQueueMetrics(Registry& registry);

  std::unique_ptr<WorkQueueMetrics> ForQueue(std::string_view queue_name) override;

 private:
  GaugeFamily& depth_;
  CounterFamily& adds_;
  CounterFamily& retries_;
  HistogramFamily& queue_duration_;
  HistogramFamily& work_duration_;
  GaugeFamily& unfinished_work_;
  GaugeFamily& longest_running_;
};

}  // namespace drs::runtime
