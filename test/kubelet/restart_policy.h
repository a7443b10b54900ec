#pragma once
// The pod's restartPolicy and what it means for a container that exited
// with `code`: Always restarts every exit, OnFailure a non-zero one, Never
// none. Init containers restart only on failure (Always counts as OnFailure).
//
// Thread-safety: pure functions.

#include <string>

#include <nlohmann/json.hpp>

namespace drs::kubelet {

inline std::string RestartPolicy(const nlohmann::json& pod) {
  const nlohmann::json policy =
      pod.value("spec", nlohmann::json::object()).value("restartPolicy", nlohmann::json("Always"));
  return policy.is_string() ? policy.get<std::string>() : "Always";
}

inline bool ShouldRestart(const std::string& policy, int code, bool is_init) {
  if (policy == "Never") return false;
  if (is_init || policy == "OnFailure") return code != 0;
  return true;  // Always
}

}  // namespace drs::kubelet
