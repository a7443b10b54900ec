#pragma once
// NamespaceMapping (dr-syncer.io/v1alpha1, deprecated): the Go dr-syncer's
// older spelling of a Replication. It stays served so existing objects keep
// working: the controller converts each one with
// ReplicationFromNamespaceMapping, creates or updates that Replication, and
// marks the NamespaceMapping Deprecated. docs/migration-namespacemapping.md
// tells users how to move to Replication for good; the schema is
// deploy/crds/dr-syncer.io_namespacemappings.yaml.
//
// Thread-safety: pure functions.

#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace drs::api {

// status.conditions type set on every NamespaceMapping the controller serves.
inline constexpr std::string_view kConditionDeprecated = "Deprecated";
// Label on the Replication made from a NamespaceMapping (value: its name).
inline constexpr std::string_view kFromNamespaceMappingLabel = "dr-syncer.io/namespace-mapping";

// The Replication equivalent to a NamespaceMapping object: same name and
// namespace, owned by the NamespaceMapping (so deleting it deletes the
// Replication, unless deleted with --cascade=orphan), labelled with
// kFromNamespaceMappingLabel, and a spec with every field that has a
// Replication counterpart carried over:
//   - immutable handling RecreateWithPodDrain and ForceUpdate become
//     Recreate, PartialUpdate becomes NoChange;
//   - a Go-style namespaceSelector {labelSelector, destinationPrefix,
//     destinationSuffix} becomes namespaceSelector +
//     destinationNamespacePattern;
//   - clusterMappingRef is resolved through `cluster_mapping` (the
//     referenced ClusterMapping object: spec.sourceCluster/targetCluster);
//   - fields with no counterpart (failureHandling, tempPodKeySecretRef,
//     continuous.watchResources, drain/force-delete timeouts, snapshotConfig)
//     are dropped.
// The result is checked with the Replication rules: Invalid, naming the
// fields, when the NamespaceMapping holds something a Replication may not
// (e.g. an rsync option outside the allow-list). FailedPrecondition when it
// names a ClusterMapping and `cluster_mapping` is null.
Result<nlohmann::json> ReplicationFromNamespaceMapping(
    const nlohmann::json& namespace_mapping, const nlohmann::json* cluster_mapping = nullptr);

}  // namespace drs::api
