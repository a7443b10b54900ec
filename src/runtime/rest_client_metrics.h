#pragma once
// RestClientMetrics: a kubeclient::RequestObserver that turns every request
// attempt against one cluster into Prometheus series, after client-go's:
//   rest_client_requests_total{cluster,verb,code}
//   rest_client_request_duration_seconds{cluster,verb}
// `code` is the HTTP status, or "<error>" when no response arrived (as
// client-go spells it). Watches count from their start to their end.
//
//   RestClientMetrics observer(registry, "source");
//   rest_client->SetObserver(&observer);
//
// Thread-safety: thread-safe. One instance per cluster; several share the
// families on one Registry.

#include <string>

#include "kubeclient/rest_client.h"
#include "runtime/metrics.h"

namespace drs::runtime {

class RestClientMetrics final : public kubeclient::RequestObserver {
 public:
  // REQUIRES: `registry` outlives this object.
  RestClientMetrics(Registry& registry, std::string cluster);

  void Observe(const std::string& verb, long code, Clock::Duration latency) override;

 private:
  const std::string cluster_;
  CounterFamily& requests_;
  HistogramFamily& duration_;
};

}  // namespace drs::runtime
