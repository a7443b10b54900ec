#pragma once
// The order in which one sync applies resource types, so the DR copy comes
// up the way a person would create it: what others refer to goes first
// (CRDs before their custom resources, ServiceAccounts, Secrets and
// ConfigMaps before the workloads that mount them, Services before the
// Ingresses that route to them, PVCs before the StatefulSets that use
// them), and the things that act (workloads, autoscalers) last. Pruning
// runs in the reverse order.
//
// Thread-safety: pure functions.

#include <string>
#include <vector>

#include "kube/group_version.h"

namespace drs::sync {

// Lower runs earlier; unknown types (custom resources) sit between the
// configuration objects and the workloads, since workloads often depend on
// them (certificates, external secrets).
int ApplyRank(const kube::GroupResource& type);

// Sorts by ApplyRank, then by group/resource name for a stable order.
void SortForApply(std::vector<kube::GroupResource>& types);

}  // namespace drs::sync
