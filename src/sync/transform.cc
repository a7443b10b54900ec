// Transform's pipeline: validate, scrub, per-kind rules, namespace rewrite,
// our labels and the hash. The per-kind rules live in transform_*.cc.
#include "sync/transform.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>

#include "kube/object.h"
#include "sync/json_util.h"
#include "sync/keys.h"
#include "sync/pod_templates.h"
#include "sync/rewrite_namespace.h"
#include "sync/transform_internal.h"

namespace drs::sync {
namespace {

using nlohmann::json;
using Edit = std::function<Status(json& desired, DesiredObject& out)>;

// Source namespace labels the copy does not carry: the API server sets the
// first from the name, and the second would make the copy's own namespace
// look ignored.
constexpr std::string_view kMetadataNameLabel = "kubernetes.io/metadata.name";

// The same error, its message prefixed with the object it is about.
Error About(const json& source, const Error& error) {
  return Error(error.code(), kube::DescribeObject(source) + ": " + error.message());
}

Status CheckIdentity(const json& source) {
  if (!source.is_object()) return InvalidError("not a JSON object");
  if (kube::ApiVersion(source).empty()) return InvalidError("apiVersion is missing");
  if (kube::Kind(source).empty()) return InvalidError("kind is missing");
  if (kube::Name(source).empty()) return InvalidError("metadata.name is missing");
  return OkStatus();
}

// The pipeline every kind goes through; `edit` is the per-kind part.
Result<DesiredObject> Run(const json& source, const TransformOptions& options, const Edit& edit) {
  if (Status status = CheckIdentity(source); !status.ok()) return About(source, status.error());
  json desired = source;
  if (Status status = internal::ScrubCommon(desired); !status.ok()) {
    return About(source, status.error());
  }
  const std::string source_namespace = kube::Namespace(source);
  if (source_namespace.empty()) {
    desired["metadata"].erase("namespace");  // cluster-scoped: no namespace, not even ""
  } else if (options.destination_namespace.empty()) {
    return About(source, InternalError("TransformOptions.destination_namespace is empty"));
  } else {
    desired["metadata"]["namespace"] = options.destination_namespace;
  }
  DesiredObject out;
  if (edit) {
    if (Status status = edit(desired, out); !status.ok()) return About(source, status.error());
  }
  internal::CleanTemplateMetadata(desired);
  const std::string from =
      options.source_namespace.empty() ? source_namespace : options.source_namespace;
  if (!options.destination_namespace.empty()) {
    RewriteNamespaceReferences(desired, from, options.destination_namespace);
  }
  auto finished = internal::Finish(std::move(desired), source, options, std::move(out));
  if (!finished.ok()) return About(source, finished.error());
  return finished;
}

enum class Rules {
  kScalable,
  kDaemonSet,
  kCronJob,
  kJob,
  kHorizontalPodAutoscaler,
  kService,
  kIngress,
  kPersistentVolumeClaim,
  kServiceAccount,
};

// The per-kind rules of namespaced kinds, by (API group, kind); any version.
std::optional<Rules> RulesFor(const json& source) {
  static const std::map<std::pair<std::string, std::string>, Rules> kRules = {
      {{"apps", "Deployment"}, Rules::kScalable},
      {{"apps", "StatefulSet"}, Rules::kScalable},
      {{"apps", "ReplicaSet"}, Rules::kScalable},
      {{"", "ReplicationController"}, Rules::kScalable},
      {{"apps", "DaemonSet"}, Rules::kDaemonSet},
      {{"batch", "CronJob"}, Rules::kCronJob},
      {{"batch", "Job"}, Rules::kJob},
      {{"autoscaling", "HorizontalPodAutoscaler"}, Rules::kHorizontalPodAutoscaler},
      {{"", "Service"}, Rules::kService},
      {{"networking.k8s.io", "Ingress"}, Rules::kIngress},
      {{"", "PersistentVolumeClaim"}, Rules::kPersistentVolumeClaim},
      {{"", "ServiceAccount"}, Rules::kServiceAccount},
  };
  const auto it = kRules.find({internal::GroupOf(source), kube::Kind(source)});
  return it == kRules.end() ? std::nullopt : std::optional<Rules>(it->second);
}

Status ApplyRules(Rules rules, json& desired, const json& source, const TransformOptions& options,
                  DesiredObject& out) {
  switch (rules) {
    case Rules::kScalable:
      return internal::TransformScalable(desired, source, options, out);
    case Rules::kDaemonSet:
      return internal::TransformDaemonSet(desired, source, options);
    case Rules::kCronJob:
      return internal::TransformCronJob(desired, source, options);
    case Rules::kJob:
      return internal::TransformJob(desired, source, options);
    case Rules::kHorizontalPodAutoscaler:
      return internal::TransformHorizontalPodAutoscaler(desired);
    case Rules::kService:
      return internal::TransformService(desired, options);
    case Rules::kIngress:
      return internal::TransformIngress(desired, options);
    case Rules::kPersistentVolumeClaim:
      return internal::TransformPersistentVolumeClaim(desired, options);
    case Rules::kServiceAccount:
      // Token Secret references of the source cluster; the DR cluster makes
      // its own tokens.
      internal::Erase(desired, "secrets");
      return OkStatus();
  }
  return OkStatus();
}

// Copies the labels or annotations of the source namespace into
// the DR Namespace, without `dropped` keys.
Status CopyMap(const json& source, std::string_view map_name, json& desired,
               std::initializer_list<std::string_view> dropped) {
  const auto entries = map_name == "labels" ? kube::Labels(source) : kube::Annotations(source);
  for (const auto& [key, value] : entries) {
    if (std::find(dropped.begin(), dropped.end(), key) != dropped.end()) continue;
    DRS_RETURN_IF_ERROR(map_name == "labels" ? kube::SetLabel(desired, key, value)
                                             : kube::SetAnnotation(desired, key, value));
  }
  return OkStatus();
}

}  // namespace

Result<DesiredObject> Transform(const json& source, const TransformOptions& options) {
  const std::string group = internal::GroupOf(source);
  const std::string kind = kube::Kind(source);
  if (group.empty() && kind == "PersistentVolume")
    return TransformPersistentVolume(source, options);
  if (group.empty() && kind == "Namespace") return DestinationNamespace(source, options);
  if (group == "apiextensions.k8s.io" && kind == "CustomResourceDefinition") {
    return TransformCustomResourceDefinition(source, options);
  }
  const std::optional<Rules> rules = RulesFor(source);
  if (!rules.has_value()) return Run(source, options, Edit());
  return Run(source, options, [&](json& desired, DesiredObject& out) {
    return ApplyRules(*rules, desired, source, options, out);
  });
}

Result<DesiredObject> TransformPersistentVolume(const json& pv, const TransformOptions& options) {
  return Run(pv, options, [&](json& desired, DesiredObject&) {
    return internal::TransformPersistentVolumeSpec(desired, options);
  });
}

Result<DesiredObject> TransformCustomResourceDefinition(const json& crd,
                                                        const TransformOptions& options) {
  return Run(crd, options, Edit());
}

Result<DesiredObject> DestinationNamespace(const json& source_namespace_object,
                                           const TransformOptions& options) {
  const json& source = source_namespace_object;
  if (Status status = CheckIdentity(source); !status.ok()) return About(source, status.error());
  if (options.destination_namespace.empty()) {
    return About(source, InternalError("TransformOptions.destination_namespace is empty"));
  }
  json desired = {{"apiVersion", "v1"},
                  {"kind", "Namespace"},
                  {"metadata", {{"name", options.destination_namespace}}}};
  Status copied = OkStatus();
  if (options.preserve_namespace_labels) {
    copied = CopyMap(source, "labels", desired, {kMetadataNameLabel, kIgnoreKey});
  }
  if (copied.ok() && options.preserve_namespace_annotations) {
    copied = CopyMap(source, "annotations", desired, {kIgnoreKey});
  }
  // Drops the annotations no copy keeps.
  if (copied.ok()) copied = internal::ScrubCommon(desired);
  if (!copied.ok()) return About(source, copied.error());
  auto finished = internal::Finish(std::move(desired), source, options, DesiredObject());
  if (!finished.ok()) return About(source, finished.error());
  return finished;
}

}  // namespace drs::sync
