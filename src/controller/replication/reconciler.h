#pragma once
// ReplicationReconciler: the I/O half of the Replication controller. For a
// Replication it resolves the source and destination clusters (a
// RemoteCluster's own connection, or the local cluster for ""), decides
// whether a sync is due (sync_decision.h), runs it (sync/namespace_sync.h)
// for the source namespace or every namespace its selector picks, and
// writes the status, Events and metrics. It never writes to a source
// cluster.
//
// Thread-safety: Reconcile runs on the controller's workers, never twice at
// once for one key; MarkSourceChanged is thread-safe.

#include <map>
#include <mutex>
#include <set>
#include <string>

#include "api/group.h"
#include "api/replication.h"
#include "controller/datasync/data_syncer.h"
#include "controller/remotecluster/cluster_connection.h"
#include "controller/replication/source_watches.h"
#include "controller/replication/status_plan.h"
#include "runtime/controller.h"
#include "runtime/event_recorder.h"
#include "runtime/metrics.h"
#include "runtime/store.h"
#include "sync/namespace_sync.h"

namespace drs::controller {

struct LocalCluster {
  kubeclient::DynamicClient& client;
  kubeclient::Discovery& discovery;
};

class ReplicationReconciler : public runtime::Reconciler {
 public:
  // REQUIRES: every reference outlives the reconciler; `registry` may be
  // null; `data` may be null (no PVC data sync).
  ReplicationReconciler(LocalCluster local, const runtime::Store& replications,
                        const runtime::Store& remote_clusters, ClusterConnections& connections,
                        runtime::EventRecorder& events, Clock& clock, runtime::Registry* registry,
                        datasync::DataSyncer* data = nullptr);

  Result<runtime::ReconcileResult> Reconcile(const std::string& key, std::stop_token stop) override;

  // Continuous mode: an object in the source of `key` changed; its next
  // reconcile syncs the changed objects (or the whole namespace when a
  // change needs it).
  void MarkSourceChanged(const std::string& key, const SourceWatches::Change& change);
  // Continuous mode's debounce for `key` (how long to gather a burst).
  Clock::Duration DebounceFor(const std::string& key);
  // Continuous mode watches; optional, set before the controller runs.
  void SetSourceWatches(SourceWatches* watches) { watches_ = watches; }

 private:
  struct Handles {
    kubeclient::DynamicClient* client = nullptr;
    kubeclient::Discovery* discovery = nullptr;
    std::shared_ptr<const ClusterConnection> keep_alive;  // a RemoteCluster's connection
    std::optional<api::RemoteCluster> remote;
    // Derived on access: a stored pointer into `remote` would dangle after a move.
    const api::RemoteClusterSpec* spec() const { return remote ? &remote->spec : nullptr; }
  };
  // The cluster behind a RemoteCluster name ("" = local), or why not.
  Result<Handles> Resolve(const std::string& ns, const std::string& cluster);
  using NamespacePairs = std::vector<std::pair<std::string, std::string>>;
  // Source namespace -> destination namespace: the spec's pair, or each
  // namespace its namespaceSelector matches.
  Result<NamespacePairs> PairsFor(const api::Replication& r, Handles& source, std::stop_token stop);
  SyncAttempt RunSync(const api::Replication& r, Handles& source, Handles& destination,
                      std::stop_token stop);
  // Continuous mode's fast path; nullopt when a full sync is needed instead.
  std::optional<SyncAttempt> RunTargetedSync(const api::Replication& r, Handles& source,
                                             Handles& destination,
                                             const std::set<sync::ChangedObject>& changed,
                                             std::stop_token stop);
  // Continuous mode: watch the source namespaces of `r`.
  void EnsureWatches(const std::string& key, const api::Replication& r, Handles& source,
                     Handles& destination, std::stop_token stop);
  // The memo of one namespace pair of `r` at its generation (sync_memo.h).
  sync::SyncMemo* MemoFor(const api::Replication& r, const std::string& from,
                          const std::string& to);
  Status WriteStatus(const nlohmann::json& object, const api::ReplicationStatus& status,
                     std::stop_token stop);
  // PVC data sync after (or between) object syncs, into `status`; returns
  // when it wants to look again.
  std::optional<Clock::WallTime> RunDataSync(const nlohmann::json& object,
                                             const api::Replication& r,
                                             api::ReplicationStatus& status, Handles& source,
                                             Handles& destination, std::stop_token stop);
  void Record(const std::string& key, const nlohmann::json& object, const api::Replication& r,
              const SyncAttempt& attempt);
  void RecordTargeted(const std::string& key, const SyncAttempt& attempt, bool all_in_step);

  LocalCluster local_;
  const runtime::Store& replications_;
  const runtime::Store& remote_clusters_;
  ClusterConnections& connections_;
  runtime::EventRecorder& events_;
  Clock& clock_;
  datasync::DataSyncer* data_;
  runtime::HistogramFamily* sync_seconds_ = nullptr;
  runtime::CounterFamily* objects_ = nullptr;
  runtime::GaugeFamily* last_success_ = nullptr;
  SourceWatches* watches_ = nullptr;
  std::mutex mu_;
  // A burst larger than this is synced as a whole namespace.
  static constexpr std::size_t kMaxTargetedChanges = 256;
  struct PendingChanges {
    std::set<sync::ChangedObject> objects;
    bool full = false;  // a deletion or an overflow
  };
  std::map<std::string, PendingChanges> pending_;  // guarded by mu_
  struct Memos {
    std::int64_t generation = 0;
    std::map<std::pair<std::string, std::string>, std::unique_ptr<sync::SyncMemo>> by_pair;
  };
  std::map<std::string, Memos> memos_;  // guarded by mu_
  // The resourceVersion each key's last status write replaced.
  std::map<std::string, std::string> superseded_;    // guarded by mu_
  std::map<std::string, Clock::Duration> debounce_;  // guarded by mu_
};

// The engine's options for one namespace pair of a Replication.
sync::NamespaceSyncSpec BuildSyncSpec(const api::Replication& r, const std::string& source_ns,
                                      const std::string& destination_ns,
                                      const std::vector<std::string>& resource_types);

}  // namespace drs::controller
