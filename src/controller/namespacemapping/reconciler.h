#pragma once
// NamespaceMappingReconciler: keeps the deprecated NamespaceMapping kind
// working by turning each one into an equivalent Replication of the same
// name (owned by it, labelled dr-syncer.io/namespace-mapping) and marking
// the NamespaceMapping Deprecated with status.replicationRef. The
// Replication controller does the syncing. A Replication of that name that
// did not come from this NamespaceMapping is never touched: the mapping's
// status reports the conflict instead. See docs/migration-namespacemapping.md.
//
// Thread-safety: Reconcile runs on the controller's workers.

#include "kubeclient/dynamic_client.h"
#include "runtime/controller.h"
#include "runtime/event_recorder.h"
#include "runtime/store.h"

namespace drs::controller {

class NamespaceMappingReconciler : public runtime::Reconciler {
 public:
  // REQUIRES: every reference outlives the reconciler.
  NamespaceMappingReconciler(kubeclient::DynamicClient& local, const runtime::Store& mappings,
                             runtime::EventRecorder& events, Clock& clock)
      : local_(local), mappings_(mappings), events_(events), clock_(clock) {}

  Result<runtime::ReconcileResult> Reconcile(const std::string& key, std::stop_token stop) override;

 private:
  Status WriteCondition(const nlohmann::json& mapping, bool converted, const std::string& reason,
                        const std::string& message, std::stop_token stop);

  kubeclient::DynamicClient& local_;
  const runtime::Store& mappings_;
  runtime::EventRecorder& events_;
  Clock& clock_;
};

}  // namespace drs::controller
