#pragma once
// The pieces Transform (transform.h) is assembled from, shared by its
// per-kind files and their tests. Every per-kind function edits `desired`, a
// copy of the source whose metadata and status were already scrubbed, and
// reports problems as Invalid errors whose message does not name the object
// (Transform prefixes it).
//
// Thread-safety: pure functions over caller-owned values.

#include <cstdint>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "sync/transform.h"

namespace drs::sync::internal {

// Metadata down to name, namespace (when present), labels and annotations;
// top-level status and the annotations every copy drops removed. Invalid when
// metadata is not an object.
Status ScrubCommon(nlohmann::json& desired);

// Adds our labels and annotations (source reference from `source`), then the
// hash, and wraps the result. `partial` carries per-kind outputs
// (original_replicas, ...).
Result<DesiredObject> Finish(nlohmann::json desired, const nlohmann::json& source,
                             const TransformOptions& options, DesiredObject partial);

// dr-syncer.io/scale-override of the source (annotation, else label):
// nullopt when absent; Invalid when not a non-negative 32-bit integer.
Result<std::optional<std::int64_t>> ScaleOverride(const nlohmann::json& source);

// Whether a DaemonSet, CronJob or Job copy stays dormant (module comment of
// transform.h).
bool KeepDormant(std::optional<std::int64_t> scale_override, const TransformOptions& options);

// Per kind. `out` receives original_replicas / dr_replicas where they apply.
Status TransformScalable(nlohmann::json& desired, const nlohmann::json& source,
                         const TransformOptions& options, DesiredObject& out);
Status TransformDaemonSet(nlohmann::json& desired, const nlohmann::json& source,
                          const TransformOptions& options);
Status TransformCronJob(nlohmann::json& desired, const nlohmann::json& source,
                        const TransformOptions& options);
Status TransformJob(nlohmann::json& desired, const nlohmann::json& source,
                    const TransformOptions& options);
Status TransformHorizontalPodAutoscaler(nlohmann::json& desired);
Status TransformService(nlohmann::json& desired, const TransformOptions& options);
Status TransformIngress(nlohmann::json& desired, const TransformOptions& options);
Status TransformPersistentVolumeClaim(nlohmann::json& desired, const TransformOptions& options);
Status TransformPersistentVolumeSpec(nlohmann::json& desired, const TransformOptions& options);

// The claim-spec rules shared by PersistentVolumeClaims and StatefulSet
// volumeClaimTemplates: storage class and access modes mapped, source-side
// references dropped. No-op when `spec` is not an object.
void MapClaimSpec(nlohmann::json& spec, const TransformOptions& options);
// The first mapping whose `from` equals `value`, else `value`.
std::string MapValue(const std::vector<std::pair<std::string, std::string>>& mappings,
                     const std::string& value);

}  // namespace drs::sync::internal
