#pragma once
// The steps of a namespace sync, shared by the full cycle (SyncNamespace)
// and Continuous mode's targeted one (SyncObjects). Internal to src/sync.
//
// Thread-safety: reentrant.

#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "base/result.h"
#include "sync/namespace_sync.h"

namespace drs::sync {

struct TypePlan {
  kubeclient::ApiResource source;
  kube::GroupVersionResource destination;
};

// The resource types of this sync, in apply order, with their destination
// resource; types that cannot be synced are reported, not fatal.
Result<std::vector<TypePlan>> ResolveTypes(ClusterHandles source, ClusterHandles destination,
                                           const NamespaceSyncSpec& spec, SyncReport& report,
                                           std::stop_token stop);

// The destination namespace: created or kept in step when ours, used as is
// when someone else's, refused when another Replication's (NamespaceConflict).
Status EnsureNamespace(ClusterHandles source, ClusterHandles destination,
                       const NamespaceSyncSpec& spec, SyncReport& report, std::stop_token stop);

// syncCRDs: the CRDs behind the custom resource types of this sync, first.
void SyncCrds(ClusterHandles source, ClusterHandles destination, const NamespaceSyncSpec& spec,
              SyncReport& report, std::stop_token stop);

// What one source object needs, given its DR copy (`live`, or null).
struct ObjectDecision {
  enum class Action { kSkip, kUnchanged, kApply, kFail };
  Action action = Action::kSkip;
  std::string failure;
  nlohmann::json desired;  // kApply / kUnchanged: the transformed object
  std::string hash;
  std::optional<std::int64_t> original_replicas;
};
// `item` must carry kind and apiVersion. `resource` is the source resource.
ObjectDecision DecideObject(const nlohmann::json& item, const nlohmann::json* live,
                            const NamespaceSyncSpec& spec, const std::string& resource);

struct ApplyJob {
  std::string name;
  nlohmann::json desired;
  const nlohmann::json* live = nullptr;  // the current DR copy, if any
};

struct ApplyResult {
  std::int64_t writes = 0;
  std::string failure;  // empty: applied
  bool cancelled = false;
  std::string resource_version;  // of the applied copy
};

// Whether an immutable-field rejection of `resource` is handled by Recreate.
bool RecreateOnImmutable(const NamespaceSyncSpec& spec, const std::string& resource);

// Applies `jobs` to `ns`, several at a time; results in the jobs' order.
std::vector<ApplyResult> ApplyAll(kubeclient::DynamicClient& client,
                                  const kube::GroupVersionResource& gvr, const std::string& ns,
                                  const std::vector<ApplyJob>& jobs, bool recreate,
                                  std::stop_token stop);

// Fills in the kind and apiVersion a list's items lack on the wire.
void FillTypeMeta(nlohmann::json& item, const std::string& kind, const std::string& api_version);

}  // namespace drs::sync
