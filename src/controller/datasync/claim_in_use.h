#pragma once
// Is the DR copy of a claim in use? Data sync must not write under a
// running application: once a DR workload that mounts the claim is scaled
// up (failover, a test), its data sync pauses until it is scaled back to 0.
//
// In use: a pod of the DR namespace that is not finished and not a mover
// mounts the claim, or a Deployment/StatefulSet/ReplicaSet with replicas > 0
// mounts it (a pod template volume, or a StatefulSet volumeClaimTemplate
// whose "<template>-<statefulset>-<ordinal>" is the claim, ordinal <
// replicas) — the workloads count even before their pods exist.
//
// Thread-safety: pure function.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace drs::controller::datasync {

// "Deployment shop/web (2 replicas)" for the first user found, else nullopt.
// REQUIRES: workloads carry their kind (LIST items do not: set it first).
std::optional<std::string> ClaimInUse(std::string_view claim,
                                      const std::vector<nlohmann::json>& pods,
                                      const std::vector<nlohmann::json>& workloads);

}  // namespace drs::controller::datasync
