// The rules every DR copy goes through (transform.h): metadata scrubbing, our
// labels and annotations, and the hash.
#include <array>
#include <cstddef>

#include "kube/object.h"
#include "sync/desired_hash.h"
#include "sync/json_util.h"
#include "sync/keys.h"
#include "sync/transform.h"
#include "sync/transform_internal.h"

namespace drs::sync {
namespace {

using nlohmann::json;

// Kubernetes' limit on label values.
constexpr std::size_t kMaxLabelValue = 63;
// Hex digits of the hash suffix of an over-long replication label value:
// 40 bits, plenty to keep a namespace's Replications apart.
constexpr std::size_t kLabelHashDigits = 10;

// Metadata kept from the source; the rest is server-owned or meaningless in
// another cluster (see transform.h).
constexpr std::array<std::string_view, 4> kKeptMetadata = {"name", "namespace", "labels",
                                                           "annotations"};

// Annotations no copy keeps: client or controller bookkeeping of the source
// cluster, and live locks.
constexpr std::array<std::string_view, 4> kDroppedAnnotations = {
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
    "deprecated.daemonset.template.generation",
    "control-plane.alpha.kubernetes.io/leader",
};

bool IsLabelValueChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

bool IsAlnum(char c) { return IsLabelValueChar(c) && c != '-' && c != '_' && c != '.'; }

// Trims characters a label value may not begin or end with.
std::string TrimToAlnum(std::string value) {
  while (!value.empty() && !IsAlnum(value.back())) value.pop_back();
  std::size_t start = 0;
  while (start < value.size() && !IsAlnum(value[start])) ++start;
  return value.substr(start);
}

}  // namespace

std::string ReplicationLabelValue(std::string_view replication) {
  std::string value(replication);
  for (char& c : value) {
    if (c == '/') {
      c = '.';
    } else if (!IsLabelValueChar(c)) {
      c = '-';
    }
  }
  value = TrimToAlnum(std::move(value));
  if (value.size() <= kMaxLabelValue && !value.empty()) return value;
  const std::string suffix = Sha256Hex(replication).substr(0, kLabelHashDigits);
  std::string prefix = TrimToAlnum(value.substr(0, kMaxLabelValue - kLabelHashDigits - 1));
  return prefix.empty() ? suffix : prefix + "-" + suffix;
}

std::string SourceReference(std::string_view cluster, std::string_view ns, std::string_view name) {
  return std::string(cluster) + "/" + std::string(ns) + "/" + std::string(name);
}

namespace internal {

Status ScrubCommon(json& desired) {
  json* metadata = Find(desired, "metadata");
  if (metadata == nullptr || !metadata->is_object()) {
    return InvalidError("metadata is missing or not an object");
  }
  json kept = json::object();
  for (std::string_view key : kKeptMetadata) {
    if (json* value = Find(*metadata, key)) kept[std::string(key)] = std::move(*value);
  }
  *metadata = std::move(kept);
  Erase(desired, "status");
  for (std::string_view key : kDroppedAnnotations) kube::RemoveAnnotation(desired, key);
  return OkStatus();
}

Result<DesiredObject> Finish(json desired, const json& source, const TransformOptions& options,
                             DesiredObject partial) {
  if (options.replication.empty()) {
    return InternalError("TransformOptions.replication is empty");
  }
  const auto labels = kube::Labels(source);
  if (const auto it = labels.find(std::string(kManagedByLabel));
      it != labels.end() && it->second != kManagedByValue) {
    DRS_RETURN_IF_ERROR(kube::SetAnnotation(desired, kOriginalManagedByAnnotation, it->second));
  }
  DRS_RETURN_IF_ERROR(kube::SetLabel(desired, kManagedByLabel, kManagedByValue));
  DRS_RETURN_IF_ERROR(
      kube::SetLabel(desired, kReplicationLabel, ReplicationLabelValue(options.replication)));
  DRS_RETURN_IF_ERROR(kube::SetAnnotation(
      desired, kSourceAnnotation,
      SourceReference(options.source_cluster, kube::Namespace(source), kube::Name(source))));
  if (const std::string uid = kube::Uid(source); !uid.empty()) {
    DRS_RETURN_IF_ERROR(kube::SetAnnotation(desired, kSourceUidAnnotation, uid));
  }
  partial.hash = DesiredHash(desired);
  DRS_RETURN_IF_ERROR(kube::SetAnnotation(desired, kDesiredHashAnnotation, partial.hash));
  partial.object = std::move(desired);
  return partial;
}

}  // namespace internal
}  // namespace drs::sync
