#include "controller/remotecluster/status_plan.h"

namespace drs::controller {

using api::Condition;
using api::ConditionStatus;

api::RemoteClusterStatus PlanStatus(const api::RemoteCluster& rc,
                                    const RemoteClusterObservation& observed, Clock::WallTime now) {
  api::RemoteClusterStatus status = rc.status;
  const std::int64_t generation = rc.metadata.generation;
  status.observed_generation = generation;
  auto set = [&](std::string_view type, ConditionStatus s, std::string reason,
                 std::string message) {
    api::SetCondition(status.conditions,
                      Condition{.type = std::string(type),
                                .status = s,
                                .reason = std::move(reason),
                                .message = std::move(message),
                                .observed_generation = generation},
                      now);
  };

  const auto& kc = observed.kubeconfig;
  if (kc.valid) {
    set(api::kConditionKubeconfigValid, ConditionStatus::kTrue, "Loaded",
        "kubeconfig loaded from Secret " + rc.spec.kubeconfig_secret_ref.ns + "/" +
            rc.spec.kubeconfig_secret_ref.name);
  } else {
    set(api::kConditionKubeconfigValid, ConditionStatus::kFalse, kc.reason, kc.message);
  }

  std::string ready_reason = "Ready";
  std::string ready_message;
  bool ready = false;
  if (!kc.valid) {
    set(api::kConditionReachable, ConditionStatus::kUnknown, "NotProbed",
        "not probed: the kubeconfig is not usable");
    ready_reason = kc.reason;
    ready_message = kc.message;
  } else if (observed.probe && observed.probe->reachable) {
    const auto& p = *observed.probe;
    status.server_version = p.server_version;
    set(api::kConditionReachable, ConditionStatus::kTrue, "Connected",
        "Kubernetes " + p.server_version +
            (p.username.empty() ? "" : ", authenticated as " + p.username));
    ready = true;
    ready_message = "reachable: Kubernetes " + p.server_version;
  } else if (observed.probe) {
    set(api::kConditionReachable, ConditionStatus::kFalse, observed.probe->reason,
        observed.probe->message);
    ready_reason = observed.probe->reason;
    ready_message = observed.probe->message;
  }
  if (observed.probe) status.last_probe_time = now;
  set(api::kConditionReady, ready ? ConditionStatus::kTrue : ConditionStatus::kFalse, ready_reason,
      ready_message);
  status.message = ready_message;
  return status;
}

std::string PendingKeyRotation(const api::RemoteCluster& rc) {
  const auto it = rc.metadata.annotations.find(std::string(api::kRotateKeysAnnotation));
  if (it == rc.metadata.annotations.end() || it->second.empty()) return "";
  return it->second == rc.status.last_handled_key_rotation ? "" : it->second;
}

bool StatusNeedsWrite(const api::RemoteClusterStatus& current,
                      const api::RemoteClusterStatus& planned) {
  api::RemoteClusterStatus a = current;
  api::RemoteClusterStatus b = planned;
  a.last_probe_time.reset();
  b.last_probe_time.reset();
  if (!(a == b)) return true;
  if (!planned.last_probe_time) return false;
  if (!current.last_probe_time) return true;
  return *planned.last_probe_time - *current.last_probe_time >= kProbeTimeHeartbeat;
}

}  // namespace drs::controller
