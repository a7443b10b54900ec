#pragma once
// The files of Secret, ConfigMap, downward API and projected volumes, as the
// kubelet projects them: every key (or only `items`, each with its own path
// and mode), `defaultMode` (0644 unless set), `optional` sources that may be
// missing. Projected volumes merge their sources; a serviceAccountToken or
// clusterTrustBundle source is skipped (the bed's pods need no API tokens).
//
// Thread-safety: pure functions over the caller's objects.

#include <string>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "kubelet/atomic_writer.h"
#include "kubelet/container_env.h"
#include "kubelet/object_lookup.h"

namespace drs::kubelet {

// The files for one pod volume of type secret, configMap, downwardAPI or
// projected. A missing object that is not optional is NotFound (the kubelet
// keeps the pod in ContainerCreating and retries); a bad spec is Invalid.
Result<Payload> VolumePayload(const nlohmann::json& pod, const nlohmann::json& volume,
                              const PodContext& context, const ObjectLookup& lookup);

}  // namespace drs::kubelet
