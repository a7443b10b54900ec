#pragma once
// DataSyncer: one data-sync step of a Replication with pvcConfig.syncData —
// observe (data_sync_observe.h), plan each claim (claim_plan.h) within the
// Replication's concurrentSyncs and the source cluster's limit
// (cluster_slots.h), act (create mover Jobs with their Secrets, mount or
// unmount unattached claims, delete superseded Jobs), and report the claims'
// status, when to look again, failures worth an Event, and metrics. It never
// waits for a transfer: movers run in the DR cluster and a later step sees
// how they ended.
//
// Writes: the Replication's mover key Secret (local cluster), access.json
// and temporary mount pods (source cluster), mover Jobs and Secrets (DR
// namespace). Nothing else in a source application namespace.
//
// Thread-safety: thread-safe; Step must not run twice at once for one
// Replication (the work queue guarantees it).

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

#include "api/remote_cluster.h"
#include "api/replication.h"
#include "controller/datasync/agent_manager.h"
#include "controller/datasync/claim_plan.h"
#include "controller/datasync/cluster_slots.h"
#include "controller/datasync/data_sync_metrics.h"
#include "controller/datasync/data_sync_observe.h"
#include "controller/datasync/key_store.h"
#include "runtime/event_recorder.h"

namespace drs::controller::datasync {

struct DataSyncSettings {
  // The image of temporary mount pods: it only has to exist and idle.
  std::string mount_pod_image = "registry.k8s.io/pause:3.10";
  // How long agents take to see a change of their access Secret (kubelet
  // refreshes mounted Secrets on its sync period, about a minute): new keys
  // and newly granted volumes are used only after it.
  api::Duration access_propagation = std::chrono::seconds(90);
};

struct DataSyncTarget {
  kubeclient::DynamicClient& source;
  kubeclient::DynamicClient& destination;
  const api::RemoteCluster* source_cluster;  // nullptr: the local cluster (no agents)
  std::vector<NamespacePair> namespaces;     // empty: DataSyncNamespaces
};

struct DataSyncEvent {
  bool warning = true;
  std::string reason;
  std::string message;
};

struct DataSyncOutcome {
  std::vector<api::PvcStatus> pvcs;
  std::optional<Clock::WallTime> wake;
  std::vector<DataSyncEvent> events;
  // Set when data sync cannot run at all (the source has no agents):
  // DataSynced is False with this reason and message.
  std::optional<std::pair<std::string, std::string>> blocked;
};

class DataSyncer {
 public:
  // REQUIRES: every reference outlives the syncer; `registry` may be null.
  DataSyncer(KeyStore& keys, AgentManager& agents, ClusterSlots& slots, DataSyncSettings settings,
             Clock& clock, runtime::Registry* registry);

  // The Replication controller's entry point: a Step (or, with syncData
  // off, the removal of what data sync left) applied to `status` — the
  // status this reconcile will write, starting from `replication.status`
  // or the object sync's result — with Events on `object`. Returns when to
  // look again (nullopt: only when something else wakes the Replication).
  std::optional<Clock::WallTime> Reconcile(const api::Replication& replication,
                                           api::ReplicationStatus& status, DataSyncTarget target,
                                           runtime::EventRecorder& events,
                                           const nlohmann::json& object, std::stop_token stop);

  // `replication.status` is the status being written (after this
  // reconcile's object sync, if any): its lastSyncTime starts rounds, its
  // pvcs are the previous claim states.
  Result<DataSyncOutcome> Step(const api::Replication& replication, DataSyncTarget target,
                               std::stop_token stop);
  // The Replication is gone or no longer syncs data: its mover keys go,
  // and its movers stop counting against the cluster limit.
  Status Forget(const std::string& ns, const std::string& name, std::stop_token stop);

 private:
  struct Claim;
  KeyHolder MoverHolder(const api::Replication& r) const;
  Status StartMover(const api::Replication& r, DataSyncTarget& target, const Claim& claim,
                    const ClaimPlan& plan, std::stop_token stop);
  void CleanUp(DataSyncTarget& target, const World& world, const std::string& replication,
               std::stop_token stop);

  KeyStore& keys_;
  AgentManager& agents_;
  ClusterSlots& slots_;
  const DataSyncSettings settings_;
  Clock& clock_;
  DataSyncMetrics metrics_;
  std::mutex mu_;
  // Failed mover Jobs (by UID) already reported, per Replication; guarded by mu_.
  std::map<std::string, std::set<std::string>> reported_;
};

}  // namespace drs::controller::datasync
