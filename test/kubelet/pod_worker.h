#pragma once
// PodWorker: runs the pods bound to the kubelet's nodes — the kubelet's
// sync loop as a Reconciler keyed by namespace/name.
//   - a new pod: volumes (VolumeManager), init containers one by one, then
//     the containers (PodContainers starts them through the shim);
//   - exits: restartPolicy Always / OnFailure restart with a short backoff
//     (CrashLoopBackOff, 1 s doubling to 10 s), Never leaves them terminated;
//   - probes (startup, readiness, liveness) as the spec says;
//   - status written back whenever it changes (pod_status.h);
//   - a deleted pod: SIGTERM, SIGKILL after its grace period, volumes
//     unmounted, final status, then DELETE with gracePeriodSeconds=0;
//   - a pod it does not know (the kubelet restarted): containers the API
//     says were running are reported terminated (ContainerStatusUnknown,
//     137) and restarted as the restart policy says;
//   - a spec it cannot run: the pod is Failed with a reason, never a crash.
//
// Thread-safety: a Reconciler (the queue never runs one key twice at once);
// the runtime map is guarded by mu_, each runtime used only by its key's
// worker. StopAll after the controller has stopped.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "kubeclient/dynamic_client.h"
#include "kubelet/node_manager.h"
#include "kubelet/object_lookup.h"
#include "kubelet/pod_containers.h"
#include "kubelet/pod_runtime.h"
#include "kubelet/process_monitor.h"
#include "kubelet/volume_manager.h"
#include "runtime/controller.h"
#include "runtime/store.h"

namespace drs::kubelet {

class PodWorker : public runtime::Reconciler {
 public:
  // REQUIRES: everything passed outlives the worker.
  PodWorker(kubeclient::DynamicClient& client, const runtime::Store& pods, const NodeManager& nodes,
            const ObjectLookup& lookup, VolumeManager& volumes, ProcessMonitor& monitor,
            Clock& clock, ContainerConfig config);
  ~PodWorker() override;

  Result<runtime::ReconcileResult> Reconcile(const std::string& key, std::stop_token stop) override;

  // True for a pod bound to one of our nodes.
  bool IsOurs(const nlohmann::json& pod) const;
  // Stops every container (SIGTERM, SIGKILL after `grace`) and removes every
  // pod's volumes. Statuses are not written: the nodes are going away.
  void StopAll(std::chrono::milliseconds grace);

 private:
  PodRuntime* Find(const std::string& key);
  PodRuntime& Adopt(const std::string& key, const nlohmann::json& pod, const NodeEntry& node);
  Status Forget(const std::string& key);
  Result<runtime::ReconcileResult> Sync(const std::string& key, const nlohmann::json& pod,
                                        PodRuntime& rt, const NodeEntry& node,
                                        std::stop_token stop);
  Result<runtime::ReconcileResult> Terminate(const std::string& key, const nlohmann::json& pod,
                                             PodRuntime& rt, const NodeEntry& node,
                                             std::stop_token stop);
  Result<runtime::ReconcileResult> Finish(const nlohmann::json& pod, PodRuntime& rt,
                                          const NodeEntry& node, std::stop_token stop);
  Status WriteStatus(const nlohmann::json& pod, const PodRuntime& rt, std::stop_token stop);

  kubeclient::DynamicClient& client_;
  const runtime::Store& pods_;
  const NodeManager& nodes_;
  VolumeManager& volumes_;
  Clock& clock_;
  PodContainers containers_;

  std::mutex mu_;
  std::map<std::string, std::unique_ptr<PodRuntime>> runtimes_;  // guarded by mu_
};

}  // namespace drs::kubelet
