#pragma once
// PodStatusFor: the status the kubelet writes for a pod, from what it knows
// (PodRuntime) and the pod as the API has it. Phase follows the kubelet's
// rules: Pending until every container has started once; Running while any
// runs or will be restarted; Succeeded/Failed once all have terminated and
// the restart policy restarts none of them (or the pod is being deleted).
// Conditions: PodReadyToStartContainers, Initialized, ContainersReady and
// Ready are ours; others (PodScheduled, DisruptionTarget, readiness gates)
// are kept as the API has them.
//
// Thread-safety: pure functions.

#include <string>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "kubelet/pod_runtime.h"

namespace drs::kubelet {

// The phase only (used to decide restarts and teardown too).
std::string PodPhase(const nlohmann::json& pod, const PodRuntime& runtime);

// The whole `status` object to write. `now` stamps changed conditions.
nlohmann::json PodStatusFor(const nlohmann::json& pod, const PodRuntime& runtime,
                            Clock::WallTime now);

// True when `desired` differs from the pod's status in a field we own.
bool StatusNeedsWrite(const nlohmann::json& pod, const nlohmann::json& desired);

bool IsTerminalPhase(const std::string& phase);

}  // namespace drs::kubelet
