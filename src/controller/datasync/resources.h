#pragma once
// The Kubernetes resources PVC data sync reads and writes.
//
// Thread-safety: constants.

#include "kube/group_version.h"

namespace drs::controller::datasync {

inline const kube::GroupVersionResource kNamespacesResource{"", "v1", "namespaces"};
inline const kube::GroupVersionResource kServiceAccountsResource{"", "v1", "serviceaccounts"};
inline const kube::GroupVersionResource kSecretsResource{"", "v1", "secrets"};
inline const kube::GroupVersionResource kPodsResource{"", "v1", "pods"};
inline const kube::GroupVersionResource kClaimsResource{"", "v1", "persistentvolumeclaims"};
inline const kube::GroupVersionResource kDaemonSetsResource{"apps", "v1", "daemonsets"};
inline const kube::GroupVersionResource kDeploymentsResource{"apps", "v1", "deployments"};
inline const kube::GroupVersionResource kStatefulSetsResource{"apps", "v1", "statefulsets"};
inline const kube::GroupVersionResource kJobsResource{"batch", "v1", "jobs"};

}  // namespace drs::controller::datasync
