#include "runtime/rest_client_metrics.h"

#include <vector>

namespace drs::runtime {
namespace {

// client-go's request latency buckets (k8s.io/component-base): 5 ms for a
// cached GET up to a minute for a slow LIST or a long request timeout.
std::vector<double> RequestLatencyBuckets() {
  return {0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60};
}

}  // namespace

RestClientMetrics::RestClientMetrics(Registry& registry, std::string cluster)
    : cluster_(std::move(cluster)),
      requests_(registry.AddCounter(
          "rest_client_requests_total",
          "Number of HTTP requests to an API server, partitioned by cluster, verb and status code.",
          {"cluster", "verb", "code"})),
      duration_(
          registry.AddHistogram("rest_client_request_duration_seconds",
                                "Request latency in seconds, partitioned by cluster and verb.",
                                {"cluster", "verb"}, RequestLatencyBuckets())) {}

void RestClientMetrics::Observe(const std::string& verb, long code, Clock::Duration latency) {
  requests_.WithLabels({cluster_, verb, code == 0 ? "<error>" : std::to_string(code)}).Inc();
  duration_.WithLabels({cluster_, verb}).ObserveDuration(latency);
}

}  // namespace drs::runtime
