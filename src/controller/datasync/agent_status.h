#pragma once
// The RemoteCluster status fields of the agents: status.agents (desired and
// ready pods of the DaemonSet) and the AgentsReady condition —
//   True  Ready        every scheduled agent runs the current template and is ready;
//   False RollingOut   some agents still run an older template;
//   False NotReady     some agents are not ready;
//   False NoNodes      no node matches the agents' nodeSelector;
//   False DeployFailed the objects could not be applied (the message says why);
//   Unknown Pending    the DaemonSet controller has not caught up yet.
// With pvcSync off, both fields are removed.
//
// Thread-safety: pure functions.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api/remote_cluster.h"

namespace drs::controller::datasync {

struct AgentObservation {
  std::optional<nlohmann::json> daemon_set;  // as read back; nullopt when missing
  std::string deploy_error;                  // non-empty when applying failed
};

void ApplyAgentStatus(api::RemoteClusterStatus& status, const AgentObservation& observed,
                      std::int64_t generation, Clock::WallTime now);
void ClearAgentStatus(api::RemoteClusterStatus& status);

}  // namespace drs::controller::datasync
