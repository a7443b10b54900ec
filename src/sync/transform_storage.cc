// PersistentVolumeClaims, StatefulSet claim templates and PersistentVolumes
// (transform.h): mapped to the DR site's storage, cut loose from the source
// site's volumes, and never able to delete shared storage.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "kube/object.h"
#include "sync/json_util.h"
#include "sync/keys.h"
#include "sync/transform_internal.h"

namespace drs::sync::internal {
namespace {

using nlohmann::json;

constexpr std::string_view kBetaStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class";
constexpr std::string_view kRetain = "Retain";

// Binding and provisioning state the source cluster's controllers wrote; the
// DR cluster's controllers write their own.
constexpr std::array<std::string_view, 6> kClaimBindingAnnotations = {
    "pv.kubernetes.io/bind-completed",
    "pv.kubernetes.io/bound-by-controller",
    "pv.kubernetes.io/migrated-to",
    "volume.beta.kubernetes.io/storage-provisioner",
    "volume.kubernetes.io/storage-provisioner",
    "volume.kubernetes.io/selected-node",
};

// The claimRef fields that name the claim; uid and resourceVersion are the
// source claim's and would stop the DR claim from binding.
constexpr std::array<std::string_view, 4> kClaimRefKept = {"apiVersion", "kind", "name",
                                                           "namespace"};

void MapStorageClass(json& spec, const TransformOptions& options) {
  json* name = Find(spec, "storageClassName");
  if (name != nullptr && name->is_string()) {
    *name = MapValue(options.storage_class_mappings, name->get<std::string>());
  }
}

// Maps each access mode; a mapping may make two entries equal, and the copy
// keeps the first of each.
void MapAccessModes(json& spec, const TransformOptions& options) {
  json* modes = FindArray(spec, "accessModes");
  if (modes == nullptr) return;
  json mapped = json::array();
  for (const json& mode : *modes) {
    json value = mode.is_string()
                     ? json(MapValue(options.access_mode_mappings, mode.get<std::string>()))
                     : mode;
    if (std::find(mapped.begin(), mapped.end(), value) == mapped.end()) {
      mapped.push_back(std::move(value));
    }
  }
  *modes = std::move(mapped);
}

}  // namespace

std::string MapValue(const std::vector<std::pair<std::string, std::string>>& mappings,
                     const std::string& value) {
  for (const auto& [from, to] : mappings) {
    if (from == value) return to;
  }
  return value;
}

void MapClaimSpec(json& spec, const TransformOptions& options) {
  if (!spec.is_object()) return;
  MapStorageClass(spec, options);
  MapAccessModes(spec, options);
  // Snapshots and clones of the source site; the data comes by rsync instead.
  spec.erase("dataSource");
  spec.erase("dataSourceRef");
  if (!options.preserve_volume_attributes) spec.erase("volumeAttributesClassName");
  if (!options.sync_persistent_volumes) spec.erase("volumeName");
}

Status TransformPersistentVolumeClaim(json& desired, const TransformOptions& options) {
  for (std::string_view key : kClaimBindingAnnotations) kube::RemoveAnnotation(desired, key);
  const auto annotations = kube::Annotations(desired);
  if (const auto it = annotations.find(std::string(kBetaStorageClassAnnotation));
      it != annotations.end()) {
    DRS_RETURN_IF_ERROR(kube::SetAnnotation(desired, kBetaStorageClassAnnotation,
                                            MapValue(options.storage_class_mappings, it->second)));
  }
  if (json* spec = FindObject(desired, "spec")) MapClaimSpec(*spec, options);
  return OkStatus();
}

Status TransformPersistentVolumeSpec(json& desired, const TransformOptions& options) {
  kube::RemoveAnnotation(desired, "pv.kubernetes.io/bound-by-controller");
  json* spec = FindObject(desired, "spec");
  if (spec == nullptr) return InvalidError("spec is missing or not an object");
  MapStorageClass(*spec, options);
  MapAccessModes(*spec, options);

  if (json* claim_ref = FindObject(*spec, "claimRef")) {
    json kept = json::object();
    for (std::string_view key : kClaimRefKept) {
      if (json* value = Find(*claim_ref, key)) kept[std::string(key)] = std::move(*value);
    }
    if (!options.source_namespace.empty() &&
        StringAt(kept, "namespace") == options.source_namespace) {
      kept["namespace"] = options.destination_namespace;
    }
    *claim_ref = std::move(kept);
  }

  const std::string policy = StringAt(*spec, "persistentVolumeReclaimPolicy");
  if (!policy.empty()) {
    DRS_RETURN_IF_ERROR(kube::SetAnnotation(desired, kOriginalReclaimPolicyAnnotation, policy));
  }
  (*spec)["persistentVolumeReclaimPolicy"] = kRetain;
  return OkStatus();
}

}  // namespace drs::sync::internal
