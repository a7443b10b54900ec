#pragma once
// TakeOverContainers: the container states of a pod this kubelet did not
// start (an earlier kubelet ran it and crashed or was restarted), from the
// pod's API status. Restart counts carry on; a container the API says was
// running is gone now, so it is recorded as terminated
// (ContainerStatusUnknown, exit 137) and restarted at once if the restart
// policy restarts it; terminated containers stay terminated unless the
// policy restarts them; finished init containers stay finished.
//
// Thread-safety: a pure function.

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "kubelet/pod_runtime.h"

namespace drs::kubelet {

// Fills rt.init_containers and rt.containers from the pod's spec and status.
void TakeOverContainers(const nlohmann::json& pod, PodRuntime& rt, Clock::WallTime now);

}  // namespace drs::kubelet
