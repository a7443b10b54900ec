#pragma once
// Scheduler: binds the cluster's unscheduled pods (spec.nodeName empty,
// schedulerName default-scheduler) to the kubelet's nodes with POST
// pods/binding, choosing among the feasible nodes (node_selection.h)
// round-robin. A pod that fits nowhere gets PodScheduled=False
// (Unschedulable, with the reason) and is looked at again every 2 s and
// whenever its claims change.
//
// Thread-safety: a Reconciler; thread-safe.

#include <atomic>
#include <string>

#include "kubeclient/dynamic_client.h"
#include "kubelet/node_manager.h"
#include "kubelet/object_lookup.h"
#include "runtime/controller.h"
#include "runtime/store.h"

namespace drs::kubelet {

class Scheduler : public runtime::Reconciler {
 public:
  // REQUIRES: everything passed outlives the scheduler.
  Scheduler(kubeclient::DynamicClient& client, const runtime::Store& pods, const NodeManager& nodes,
            const ObjectLookup& lookup, Clock& clock)
      : client_(client), pods_(pods), nodes_(nodes), lookup_(lookup), clock_(clock) {}

  Result<runtime::ReconcileResult> Reconcile(const std::string& key, std::stop_token stop) override;

  // True for a pod this scheduler should bind.
  static bool WantsScheduling(const nlohmann::json& pod);

 private:
  Status MarkUnschedulable(const nlohmann::json& pod, const std::string& message,
                           std::stop_token stop);

  kubeclient::DynamicClient& client_;
  const runtime::Store& pods_;
  const NodeManager& nodes_;
  const ObjectLookup& lookup_;
  Clock& clock_;
  std::atomic<std::size_t> next_{0};  // round-robin position
};

}  // namespace drs::kubelet
