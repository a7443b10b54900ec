#include "sync/drift.h"

namespace drs::sync {

nlohmann::json ProjectOnto(const nlohmann::json& desired, const nlohmann::json& live) {
  if (desired.is_object()) {
    if (!live.is_object()) return live;
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, value] : desired.items()) {
      const auto it = live.find(key);
      out[key] = it == live.end() ? nlohmann::json() : ProjectOnto(value, *it);
    }
    return out;
  }
  if (desired.is_array() && live.is_array() && desired.size() == live.size()) {
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t i = 0; i < desired.size(); ++i)
      out.push_back(ProjectOnto(desired[i], live[i]));
    return out;
  }
  return live;
}

bool HasDrifted(const nlohmann::json& desired, const nlohmann::json& live) {
  return ProjectOnto(desired, live) != desired;
}

}  // namespace drs::sync
