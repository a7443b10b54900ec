#pragma once
// AgentManager: the I/O of the agents in each source cluster with
// pvcSync.enabled. For a RemoteCluster it keeps the host and controller key
// rings (rotated on keyRotationInterval), applies the agent Namespace,
// ServiceAccount, Secrets and DaemonSet with server-side apply (field manager
// dr-syncer), publishes access.json, reads the DaemonSet back for status,
// checks every ready agent over ssh with the controller key (at most once
// per probeInterval), and removes it all when PVC sync is turned off or the
// RemoteCluster goes.
//
// Applies are skipped while the desired object is unchanged since the last
// successful apply (an in-memory hash, refreshed every kReapplyInterval so a
// hand edit or deletion is repaired), so a probe every few seconds does not
// mean writes every few seconds.
//
// Keys rotate on keyRotationInterval and on demand (RotateKeys, for the
// RemoteCluster's dr-syncer.io/rotate-keys annotation): the host key, the
// controller key and every mover key pulling from the cluster.
//
// access.json is published by both controllers — the RemoteCluster's (its
// controller key rotated) and the Replications' (a mover key or volume
// changed) — one at a time per cluster, always rebuilt from the stored rings.
//
// Thread-safety: thread-safe.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>

#include "api/remote_cluster.h"
#include "controller/datasync/agent_health_probe.h"
#include "controller/datasync/agent_manifests.h"
#include "controller/datasync/agent_status.h"
#include "controller/datasync/key_store.h"
#include "kubeclient/dynamic_client.h"

namespace drs::controller::datasync {

// Desired objects are re-applied at least this often even when unchanged.
inline constexpr std::chrono::minutes kReapplyInterval{10};

// Whether a Replication ("ns/name") still pulls data from a RemoteCluster
// ("ns/name"): its mover keys belong in that cluster's access.json.
using MoverFilter =
    std::function<bool(const std::string& replication, const std::string& remote_cluster)>;

// What a rotation on demand did.
struct KeyRotation {
  bool host = false;              // the host key ring was rotated now
  bool controller = false;        // the controller key ring was rotated now
  int movers = 0;                 // mover key rings rotated now
  int already = 0;                // rings rotated for this token before (a retry)
  Clock::WallTime retired_until;  // when the keys retired now stop working

  bool any() const { return host || controller || movers > 0; }
  // "the host key, the controller key and 2 mover keys", or "no keys".
  std::string Describe() const;
};

class AgentManager {
 public:
  // REQUIRES: keys and clock outlive the manager.
  AgentManager(KeyStore& keys, std::string default_image, MoverFilter is_live, Clock& clock)
      : keys_(keys),
        default_image_(std::move(default_image)),
        is_live_(std::move(is_live)),
        clock_(clock) {}

  // Deploys or updates the agents of `rc` through `remote` (its cluster).
  AgentObservation Ensure(const api::RemoteCluster& rc, kubeclient::DynamicClient& remote,
                          std::stop_token stop);
  // Rebuilds access.json for the RemoteCluster `remote_cluster` from the
  // stored rings and applies it when it changed.
  Status PublishAccess(const std::string& remote_cluster, kubeclient::DynamicClient& remote,
                       std::stop_token stop);
  // Rotates every key ring of `rc` now for the rotate-keys `token` (a ring
  // already rotated for it is left alone, so a retry after a partial
  // failure rotates each ring once). Rings that do not exist are not
  // created. The next Ensure publishes access.json and the host key.
  Result<KeyRotation> RotateKeys(const api::RemoteCluster& rc, const std::string& token,
                                 std::stop_token stop);
  // Removes the agents (the agent Namespace, when it is ours) and the
  // cluster's host and controller keys. `remote` may be null (cluster gone):
  // only the keys are removed then.
  Status Remove(const api::RemoteCluster& rc, kubeclient::DynamicClient* remote,
                std::stop_token stop);

  // The RemoteCluster controller's entry point: with pvcSync on and the
  // cluster reachable (`remote` set), deploys and reports the agents in
  // `status`; with it off, removes agents deployed before (status.agents
  // set) once the cluster is reachable, then clears the agent status.
  // Returns the error of a removal, for an Event.
  Status Reconcile(const api::RemoteCluster& rc, kubeclient::DynamicClient* remote,
                   api::RemoteClusterStatus& status, std::stop_token stop);

  // The agent (and mover) image of a cluster.
  std::string ImageFor(const api::AgentSpec& agent) const;
  // The host public keys movers must trust for `remote_cluster` (every live
  // key: during a host key rotation both old and new agents answer).
  Result<std::vector<std::string>> HostKeys(const std::string& remote_cluster,
                                            std::stop_token stop);
  // The key holders of a RemoteCluster.
  static KeyHolder HostHolder(const api::RemoteCluster& rc, const std::string& key_namespace);
  static KeyHolder ControllerHolder(const api::RemoteCluster& rc, const std::string& key_namespace);

 private:
  struct Applied {
    std::string hash;
    Clock::TimePoint at;
  };
  Status ApplyIfChanged(const std::string& remote_cluster, kubeclient::DynamicClient& remote,
                        const kube::GroupVersionResource& gvr, const nlohmann::json& object,
                        std::stop_token stop);
  Status Deploy(const api::RemoteCluster& rc, kubeclient::DynamicClient& remote,
                std::stop_token stop);
  // Checks every ready agent over ssh with the controller key
  // (agent_health_probe.h) and reports it in `status`.
  void CheckAgents(const api::RemoteCluster& rc, kubeclient::DynamicClient& remote,
                   api::RemoteClusterStatus& status, std::stop_token stop);
  std::mutex& PublishMutex(const std::string& remote_cluster);
  void ForgetApplied(const std::string& remote_cluster);

  KeyStore& keys_;
  const std::string default_image_;
  const MoverFilter is_live_;
  Clock& clock_;
  AgentHealthChecker health_{clock_};
  std::mutex mu_;
  std::map<std::string, Applied> applied_;                      // guarded by mu_
  std::map<std::string, std::unique_ptr<std::mutex>> publish_;  // guarded by mu_
};

}  // namespace drs::controller::datasync
