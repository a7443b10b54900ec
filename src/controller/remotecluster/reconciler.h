#pragma once
// RemoteClusterReconciler: the I/O half of the RemoteCluster controller.
// For each RemoteCluster it reads the kubeconfig Secret, builds (or reuses)
// that RemoteCluster's own connection, probes the cluster on its
// probeInterval, and writes conditions — only when they changed (plus a
// lastProbeTime heartbeat) — with an Event on every Ready transition. A new
// value of the dr-syncer.io/rotate-keys annotation rotates the cluster's
// PVC sync keys at once (AgentManager::RotateKeys), recorded in
// status.lastHandledKeyRotation with a KeysRotated Event. A
// finalizer lets it drop the connection (and, with PVC sync, the agents it
// deployed) before the object goes away.
//
// It never loops on its own writes: probes are paced by an in-memory
// schedule per object, and a reconcile triggered by a status write finds
// the probe not yet due and only re-arms the timer.
//
// Thread-safety: Reconcile is called by the controller's workers (never
// twice at once for one key); ForceProbe is thread-safe.

#include <map>
#include <mutex>
#include <string>

#include "api/group.h"
#include "controller/datasync/agent_manager.h"
#include "controller/remotecluster/cluster_connection.h"
#include "controller/remotecluster/status_plan.h"
#include "runtime/controller.h"
#include "runtime/event_recorder.h"
#include "runtime/metrics.h"
#include "runtime/store.h"

namespace drs::controller {

inline constexpr std::string_view kRemoteClusterFinalizer = "dr-syncer.io/remotecluster";

class RemoteClusterReconciler : public runtime::Reconciler {
 public:
  // REQUIRES: every reference outlives the reconciler. `registry` may be
  // null; `agents` may be null (no PVC data sync: agents are never deployed).
  RemoteClusterReconciler(kubeclient::DynamicClient& local, const runtime::Store& remote_clusters,
                          ClusterConnections& connections, runtime::EventRecorder& events,
                          Clock& clock, runtime::Registry* registry,
                          datasync::AgentManager* agents = nullptr);

  Result<runtime::ReconcileResult> Reconcile(const std::string& key, std::stop_token stop) override;

  // The next reconcile of `key` probes at once (its Secret changed).
  void ForceProbe(const std::string& key);

 private:
  struct Schedule {
    Clock::TimePoint next_probe{};
    std::int64_t generation = -1;
  };
  Result<runtime::ReconcileResult> Finalize(const api::RemoteCluster& rc,
                                            const nlohmann::json& object, std::stop_token stop);
  Status EnsureFinalizer(const api::RemoteCluster& rc, std::stop_token stop);
  KubeconfigObservation LoadKubeconfig(const api::RemoteCluster& rc, std::stop_token stop,
                                       std::shared_ptr<const ClusterConnection>* connection);
  // Handles a new rotate-keys `token`: rotates, then records it in `status`
  // with an Event; on failure only a warning Event (the next probe retries).
  void RotateKeys(const api::RemoteCluster& rc, const nlohmann::json& object,
                  const std::string& token, api::RemoteClusterStatus& status, std::stop_token stop);
  Status WriteStatus(const nlohmann::json& object, const api::RemoteClusterStatus& status,
                     std::stop_token stop);

  kubeclient::DynamicClient& local_;
  const runtime::Store& remote_clusters_;
  ClusterConnections& connections_;
  runtime::EventRecorder& events_;
  Clock& clock_;
  datasync::AgentManager* agents_;
  runtime::GaugeFamily* ready_gauge_ = nullptr;
  runtime::HistogramFamily* probe_seconds_ = nullptr;
  std::mutex mu_;
  std::map<std::string, Schedule> schedule_;  // guarded by mu_
};

}  // namespace drs::controller
