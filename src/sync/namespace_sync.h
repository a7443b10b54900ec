#pragma once
// SyncNamespace: one sync of a source namespace into a destination
// namespace — the I/O engine of object sync (DESIGN.md §4).
//   1. Resolve the resource types ("*" = every namespaced type the source
//      serves that can be listed and created, minus system types; names
//      through discovery) and check the destination serves each.
//   2. Make sure the destination namespace exists (ours: kept in step;
//      someone else's: used but never modified; another Replication's:
//      refused as a conflict).
//   3. Per type, in SortForApply order: one LIST of the source, one LIST of
//      the destination; transform each selected source object; apply with
//      server-side apply (field manager "dr-syncer") only when the DR copy
//      lacks the desired hash or has drifted; Recreate or report an
//      immutable-field rejection per the options; never touch an object
//      without our managed-by label.
//   4. Prune our copies whose source is gone or now ignored — unless that
//      would delete more than max_delete_percent of our copies, in which
//      case nothing is deleted and the report says why.
// A failing object never stops the others: it lands in the report. Only
// failures that make the whole sync meaningless (the source or destination
// unreachable, the namespace conflict) are errors.
//
// Thread-safety: reentrant; the clients are thread-safe.

#include <map>
#include <stop_token>
#include <string>
#include <vector>

#include "base/result.h"
#include "kubeclient/discovery.h"
#include "kubeclient/dynamic_client.h"
#include "sync/selection.h"
#include "sync/sync_memo.h"
#include "sync/sync_report.h"
#include "sync/transform.h"

namespace drs::sync {

inline constexpr std::string_view kFieldManager = "dr-syncer";

struct ClusterHandles {
  kubeclient::DynamicClient& client;
  kubeclient::Discovery& discovery;
};

struct NamespaceSyncSpec {
  std::vector<std::string> resource_types = {"*"};
  std::vector<std::string> exclude_resource_types;
  SelectionOptions selection;
  TransformOptions transform;  // carries both namespaces and the Replication
  bool prune = false;
  int max_delete_percent = 50;
  bool recreate_on_immutable = false;
  // Copy the CustomResourceDefinitions of the custom resource types synced,
  // before their objects (the source identity needs get on CRDs, the
  // destination identity create/patch).
  bool sync_crds = false;
  // Per resource ("deployments", "services.v1"...): true = Recreate.
  std::map<std::string, bool> immutable_overrides;
  // Optional: what earlier syncs of these options verified (sync_memo.h);
  // lets an unchanged object skip its transform and comparison.
  SyncMemo* memo = nullptr;
};

Result<SyncReport> SyncNamespace(ClusterHandles source, ClusterHandles destination,
                                 const NamespaceSyncSpec& spec, std::stop_token stop = {});

// A source object that changed, as Continuous mode's watches saw it.
struct ChangedObject {
  kube::GroupVersionResource gvr;  // the source resource
  std::string ns;                  // the source namespace
  std::string name;
  friend auto operator<=>(const ChangedObject&, const ChangedObject&) = default;
};

struct TargetedSyncResult {
  SyncReport report;
  // Set when a change needs a full cycle instead: a source object is gone
  // (pruning and its guard need the whole namespace) or a type is unknown.
  std::string needs_full_sync;
};

// Continuous mode's fast path: only `changed` objects of the spec's source
// namespace — each read again from
// the source, compared with its DR copy and applied when needed — with the
// same selection, transforms and ownership rules as SyncNamespace. It
// assumes the destination namespace exists (a full cycle ran before).
Result<TargetedSyncResult> SyncObjects(ClusterHandles source, ClusterHandles destination,
                                       const NamespaceSyncSpec& spec,
                                       const std::vector<ChangedObject>& changed,
                                       std::stop_token stop = {});

// The source resource types a sync of `spec` covers, in apply order (what
// Continuous mode watches). Types the source does not serve are left out.
Result<std::vector<kube::GroupVersionResource>> SourceTypes(ClusterHandles source,
                                                            const NamespaceSyncSpec& spec,
                                                            std::stop_token stop = {});

// True when an API error is the rejection of a change to an immutable field.
bool IsImmutableFieldError(const Error& error);

}  // namespace drs::sync
