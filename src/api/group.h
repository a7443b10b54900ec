#pragma once
// The API group, version and resources of dr-syncer's own kinds.
//
// Thread-safety: constants.

#include <string_view>

#include "kube/group_version.h"

namespace drs::api {

inline constexpr std::string_view kGroup = "dr-syncer.io";
inline constexpr std::string_view kVersion = "v1alpha1";
inline constexpr std::string_view kApiVersion = "dr-syncer.io/v1alpha1";

inline constexpr std::string_view kRemoteClusterKind = "RemoteCluster";
inline constexpr std::string_view kReplicationKind = "Replication";
inline constexpr std::string_view kNamespaceMappingKind = "NamespaceMapping";

inline const kube::GroupVersionResource kRemoteClusters{"dr-syncer.io", "v1alpha1",
                                                        "remoteclusters"};
inline const kube::GroupVersionResource kReplications{"dr-syncer.io", "v1alpha1", "replications"};
inline const kube::GroupVersionResource kNamespaceMappings{"dr-syncer.io", "v1alpha1",
                                                           "namespacemappings"};

}  // namespace drs::api
