// HorizontalPodAutoscalers that never change replicas in the DR cluster
// (transform.h). Why both edits: Kubernetes disables an HPA whose target is
// at 0 replicas, but a scale-override > 0 wakes it. With both scaling
// directions' selectPolicy Disabled it changes nothing while the target sits
// within [minReplicas, maxReplicas]; minReplicas is lowered to 1 because an
// HPA lifts a target below it regardless of policies, which would put more
// pods in DR than the override asked for. (An override above maxReplicas is
// cut to maxReplicas by the HPA: never more than asked, but keep overrides
// within the range, or the next sync raises it again.)
#include <string>

#include "kube/object.h"
#include "sync/json_util.h"
#include "sync/keys.h"
#include "sync/transform_internal.h"

namespace drs::sync::internal {
namespace {

using nlohmann::json;

// HPA status that autoscaling/v1 carries in annotations.
constexpr std::string_view kV1StatusAnnotations[] = {
    "autoscaling.alpha.kubernetes.io/conditions",
    "autoscaling.alpha.kubernetes.io/current-metrics",
};

// The lowest minReplicas without the HPAScaleToZero alpha gate.
constexpr std::int64_t kLowestMinReplicas = 1;

// autoscaling/v2 and v2beta2 have spec.behavior; v1 and v2beta1 do not.
bool HasBehavior(std::string_view api_version) {
  return api_version == "autoscaling/v2" || api_version == "autoscaling/v2beta2";
}

Status DisableDirection(json& behavior, std::string_view direction) {
  json& rules = behavior[std::string(direction)];
  if (rules.is_null()) rules = json::object();
  if (!rules.is_object()) {
    return InvalidError("spec.behavior." + std::string(direction) + " is not an object");
  }
  rules["selectPolicy"] = "Disabled";
  return OkStatus();
}

}  // namespace

Status TransformHorizontalPodAutoscaler(json& desired) {
  for (std::string_view key : kV1StatusAnnotations) kube::RemoveAnnotation(desired, key);
  if (!HasBehavior(kube::ApiVersion(desired))) return OkStatus();

  json* spec = FindObject(desired, "spec");
  if (spec == nullptr) return InvalidError("spec is missing or not an object");

  json& behavior = (*spec)["behavior"];
  std::string original_behavior;
  if (behavior.is_null()) {
    behavior = json::object();
  } else if (!behavior.is_object()) {
    return InvalidError("spec.behavior is not an object");
  } else {
    original_behavior = behavior.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  DRS_RETURN_IF_ERROR(DisableDirection(behavior, "scaleUp"));
  DRS_RETURN_IF_ERROR(DisableDirection(behavior, "scaleDown"));
  DRS_RETURN_IF_ERROR(kube::SetAnnotation(desired, kOriginalBehaviorAnnotation, original_behavior));

  if (const json* min = Find(*spec, "minReplicas"); min != nullptr && !min->is_null()) {
    if (!min->is_number_integer()) return InvalidError("spec.minReplicas is not an integer");
    const auto value = min->get<std::int64_t>();
    if (value > kLowestMinReplicas) {
      DRS_RETURN_IF_ERROR(
          kube::SetAnnotation(desired, kOriginalMinReplicasAnnotation, std::to_string(value)));
      (*spec)["minReplicas"] = kLowestMinReplicas;
    }
  }
  return OkStatus();
}

}  // namespace drs::sync::internal
