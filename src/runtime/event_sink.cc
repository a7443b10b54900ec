#include "runtime/event_sink.h"

namespace drs::runtime {

Result<nlohmann::json> ApiEventSink::Create(const std::string& ns, const nlohmann::json& event,
                                            std::stop_token stop) {
  return client_.Create(kEventsResource, ns, event, {}, std::move(stop));
}

Result<nlohmann::json> ApiEventSink::Patch(const std::string& ns, const std::string& name,
                                           const nlohmann::json& merge_patch,
                                           std::stop_token stop) {
  return client_.Patch(kEventsResource, ns, name, kubeclient::PatchType::kMerge, merge_patch, {},
                       "", std::move(stop));
}

}  // namespace drs::runtime
