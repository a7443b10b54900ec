#pragma once
// EventSink: where the event recorder writes core/v1 Events — the API
// server through a DynamicClient in production, a fake in unit tests (the
// seam client-go calls EventSink too).
//
// Thread-safety: implementations are called from the recorder's sender
// thread only, but ApiEventSink is thread-safe anyway.

#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "kubeclient/dynamic_client.h"

namespace drs::runtime {

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual Result<nlohmann::json> Create(const std::string& ns, const nlohmann::json& event,
                                        std::stop_token stop) = 0;
  // A JSON merge patch of an existing Event; NotFound when it is gone (the
  // API server deletes Events after their TTL, an hour by default).
  virtual Result<nlohmann::json> Patch(const std::string& ns, const std::string& name,
                                       const nlohmann::json& merge_patch, std::stop_token stop) = 0;
};

class ApiEventSink final : public EventSink {
 public:
  // REQUIRES: `client` outlives the sink.
  explicit ApiEventSink(kubeclient::DynamicClient& client) : client_(client) {}

  Result<nlohmann::json> Create(const std::string& ns, const nlohmann::json& event,
                                std::stop_token stop) override;
  Result<nlohmann::json> Patch(const std::string& ns, const std::string& name,
                               const nlohmann::json& merge_patch, std::stop_token stop) override;

 private:
  kubeclient::DynamicClient& client_;
};

// core/v1 events.
inline const kube::GroupVersionResource kEventsResource{"", "v1", "events"};

}  // namespace drs::runtime
