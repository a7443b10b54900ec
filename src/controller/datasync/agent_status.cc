#include "controller/datasync/agent_status.h"

#include "controller/datasync/json_read.h"
#include "kube/object.h"

namespace drs::controller::datasync {

void ApplyAgentStatus(api::RemoteClusterStatus& status, const AgentObservation& observed,
                      std::int64_t generation, Clock::WallTime now) {
  api::Condition c{.type = std::string(api::kConditionAgentsReady),
                   .status = api::ConditionStatus::kFalse,
                   .observed_generation = generation};
  api::AgentCounts counts;
  if (observed.daemon_set) {
    const auto& ds = *observed.daemon_set;
    counts.desired = static_cast<std::int32_t>(IntAt(ds, {"status", "desiredNumberScheduled"}));
    counts.ready = static_cast<std::int32_t>(IntAt(ds, {"status", "numberReady"}));
    const auto updated = IntAt(ds, {"status", "updatedNumberScheduled"});
    const bool caught_up = IntAt(ds, {"status", "observedGeneration"}) >= kube::Generation(ds);
    const std::string counted =
        std::to_string(counts.ready) + " of " + std::to_string(counts.desired) + " agents ready";
    if (!caught_up) {
      c.status = api::ConditionStatus::kUnknown;
      c.reason = "Pending";
      c.message = "the DaemonSet controller has not processed the latest agent settings yet";
    } else if (counts.desired == 0) {
      c.reason = "NoNodes";
      c.message = "no node matches the agents' nodeSelector and tolerations";
    } else if (updated < counts.desired) {
      c.reason = "RollingOut";
      c.message = std::to_string(updated) + " of " + std::to_string(counts.desired) +
                  " agents updated; " + counted;
    } else if (counts.ready < counts.desired) {
      c.reason = "NotReady";
      c.message = counted;
    } else {
      c.status = api::ConditionStatus::kTrue;
      c.reason = "Ready";
      c.message = counted;
    }
  } else {
    c.status = api::ConditionStatus::kUnknown;
    c.reason = "Pending";
    c.message = "the agent DaemonSet does not exist yet";
  }
  if (!observed.deploy_error.empty()) {
    c.status = api::ConditionStatus::kFalse;
    c.reason = "DeployFailed";
    c.message = observed.deploy_error;
  }
  status.agents = counts;
  api::SetCondition(status.conditions, std::move(c), now);
}

void ClearAgentStatus(api::RemoteClusterStatus& status) {
  status.agents.reset();
  api::RemoveCondition(status.conditions, api::kConditionAgentsReady);
}

}  // namespace drs::controller::datasync
