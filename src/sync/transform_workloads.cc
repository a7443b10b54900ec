// Workloads made dormant: replicas to zero (or the scale-override), DaemonSets
// pinned to no node, CronJobs and Jobs suspended (transform.h).
#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string>

#include "kube/object.h"
#include "sync/json_util.h"
#include "sync/keys.h"
#include "sync/transform_internal.h"

namespace drs::sync::internal {
namespace {

using nlohmann::json;

// Labels the Job controller derives from the Job's UID and name; the DR API
// server generates its own for the copy (and rejects a selector naming the
// source UID, which matches none of the copy's pods).
constexpr std::array<std::string_view, 4> kJobGeneratedLabels = {
    "controller-uid", "job-name", "batch.kubernetes.io/controller-uid",
    "batch.kubernetes.io/job-name"};

// Messages quote at most this much of a user's value.
constexpr std::size_t kMaxQuoted = 64;

Result<json*> Spec(json& desired) {
  json* spec = FindObject(desired, "spec");
  if (spec == nullptr) return InvalidError("spec is missing or not an object");
  return spec;
}

// The source's spec.replicas: 1 (the API default) when absent or null.
Result<std::int64_t> SourceReplicas(const json& spec) {
  const json* replicas = Find(spec, "replicas");
  if (replicas == nullptr || replicas->is_null()) return std::int64_t{1};
  if (!replicas->is_number_integer()) return InvalidError("spec.replicas is not an integer");
  const auto value = replicas->get<std::int64_t>();
  if (value < 0) return InvalidError("spec.replicas is negative");
  return value;
}

// Suspends a CronJob or Job copy unless it is to be active; records the
// source's spec.suspend either way, so failover knows what to restore.
Status Suspend(json& desired, const json& source, const TransformOptions& options) {
  DRS_ASSIGN_OR_RETURN(json * spec, Spec(desired));
  DRS_ASSIGN_OR_RETURN(const auto scale_override, ScaleOverride(source));
  bool original = false;
  if (const json* suspend = Find(*spec, "suspend"); suspend != nullptr && !suspend->is_null()) {
    if (!suspend->is_boolean()) return InvalidError("spec.suspend is not a boolean");
    original = suspend->get<bool>();
  }
  DRS_RETURN_IF_ERROR(
      kube::SetAnnotation(desired, kOriginalSuspendAnnotation, original ? "true" : "false"));
  if (KeepDormant(scale_override, options)) (*spec)["suspend"] = true;
  return OkStatus();
}

}  // namespace

Result<std::optional<std::int64_t>> ScaleOverride(const json& source) {
  const auto annotations = kube::Annotations(source);
  const auto labels = kube::Labels(source);
  const std::string key(kScaleOverrideKey);
  std::string raw;
  if (const auto it = annotations.find(key); it != annotations.end()) {
    raw = it->second;
  } else if (const auto lit = labels.find(key); lit != labels.end()) {
    raw = lit->second;
  } else {
    return std::optional<std::int64_t>();
  }
  std::int64_t value = 0;
  const char* end = raw.data() + raw.size();
  const auto [ptr, ec] = std::from_chars(raw.data(), end, value);
  // from_chars accepts a leading '-'; a count never has one.
  if (raw.empty() || raw.front() == '-' || ec != std::errc() || ptr != end ||
      value > std::numeric_limits<std::int32_t>::max()) {
    const std::string shown = raw.size() > kMaxQuoted ? raw.substr(0, kMaxQuoted) + "..." : raw;
    return InvalidError(key + " \"" + shown + "\" is not a non-negative integer");
  }
  return std::optional<std::int64_t>(value);
}

bool KeepDormant(std::optional<std::int64_t> scale_override, const TransformOptions& options) {
  return scale_override.has_value() ? *scale_override == 0 : options.scale_to_zero;
}

Status TransformScalable(json& desired, const json& source, const TransformOptions& options,
                         DesiredObject& out) {
  DRS_ASSIGN_OR_RETURN(json * spec, Spec(desired));
  DRS_ASSIGN_OR_RETURN(const std::int64_t original, SourceReplicas(*spec));
  DRS_ASSIGN_OR_RETURN(const auto scale_override, ScaleOverride(source));
  std::int64_t replicas = original;
  if (scale_override.has_value()) {
    replicas = *scale_override;
  } else if (options.scale_to_zero) {
    replicas = 0;
  }
  (*spec)["replicas"] = replicas;
  DRS_RETURN_IF_ERROR(
      kube::SetAnnotation(desired, kOriginalReplicasAnnotation, std::to_string(original)));
  out.original_replicas = original;
  out.dr_replicas = replicas;

  // StatefulSet claim templates become the DR claims once it runs: they need
  // the DR storage classes too.
  json* templates = FindArray(*spec, "volumeClaimTemplates");
  if (templates == nullptr) return OkStatus();
  for (json& claim : *templates) {
    if (!claim.is_object()) continue;
    claim.erase("status");
    if (json* metadata = FindObject(claim, "metadata")) metadata->erase("creationTimestamp");
    if (json* claim_spec = FindObject(claim, "spec")) MapClaimSpec(*claim_spec, options);
  }
  return OkStatus();
}

Status TransformDaemonSet(json& desired, const json& source, const TransformOptions& options) {
  DRS_ASSIGN_OR_RETURN(const auto scale_override, ScaleOverride(source));
  if (!KeepDormant(scale_override, options)) return OkStatus();
  DRS_ASSIGN_OR_RETURN(json * spec, Spec(desired));
  json* pod_template = FindObject(*spec, "template");
  json* pod_spec = pod_template == nullptr ? nullptr : FindObject(*pod_template, "spec");
  if (pod_spec == nullptr) return InvalidError("spec.template.spec is missing or not an object");
  json& node_selector = (*pod_spec)["nodeSelector"];
  if (node_selector.is_null()) node_selector = json::object();
  if (!node_selector.is_object()) {
    return InvalidError("spec.template.spec.nodeSelector is not an object");
  }
  node_selector[std::string(kDormantKey)] = "true";
  return kube::SetAnnotation(desired, kDormantKey, "true");
}

Status TransformCronJob(json& desired, const json& source, const TransformOptions& options) {
  return Suspend(desired, source, options);
}

Status TransformJob(json& desired, const json& source, const TransformOptions& options) {
  DRS_RETURN_IF_ERROR(Suspend(desired, source, options));
  json& spec = desired["spec"];  // an object: Suspend checked
  if (const json* manual = Find(spec, "manualSelector");
      manual != nullptr && manual->is_boolean() && manual->get<bool>()) {
    return OkStatus();  // the user's own selector and labels
  }
  spec.erase("selector");
  json* pod_template = FindObject(spec, "template");
  json* template_metadata =
      pod_template == nullptr ? nullptr : FindObject(*pod_template, "metadata");
  for (std::string_view key : kJobGeneratedLabels) {
    EraseFromMap(desired["metadata"], "labels", key);
    if (template_metadata != nullptr) EraseFromMap(*template_metadata, "labels", key);
  }
  if (template_metadata != nullptr && template_metadata->empty()) pod_template->erase("metadata");
  return OkStatus();
}

}  // namespace drs::sync::internal
