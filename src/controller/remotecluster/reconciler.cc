#include "controller/remotecluster/reconciler.h"

#include <algorithm>

#include "base/base64.h"
#include "base/logging.h"
#include "base/rfc3339.h"
#include "kube/object.h"

namespace drs::controller {
namespace {

const kube::GroupVersionResource kSecrets{"", "v1", "secrets"};

std::string Key(const api::RemoteCluster& rc) { return rc.metadata.ns + "/" + rc.metadata.name; }

bool HasFinalizer(const api::RemoteCluster& rc) {
  return std::find(rc.metadata.finalizers.begin(), rc.metadata.finalizers.end(),
                   kRemoteClusterFinalizer) != rc.metadata.finalizers.end();
}

}  // namespace

RemoteClusterReconciler::RemoteClusterReconciler(kubeclient::DynamicClient& local,
                                                 const runtime::Store& remote_clusters,
                                                 ClusterConnections& connections,
                                                 runtime::EventRecorder& events, Clock& clock,
                                                 runtime::Registry* registry,
                                                 datasync::AgentManager* agents)
    : local_(local),
      remote_clusters_(remote_clusters),
      connections_(connections),
      events_(events),
      clock_(clock),
      agents_(agents) {
  if (registry != nullptr) {
    ready_gauge_ = &registry->AddGauge("drs_remote_cluster_ready",
                                       "1 while the RemoteCluster is Ready.", {"remotecluster"});
    probe_seconds_ =
        &registry->AddHistogram("drs_remote_cluster_probe_duration_seconds",
                                "Time to probe a remote API server.", {"remotecluster"});
  }
}

void RemoteClusterReconciler::ForceProbe(const std::string& key) {
  std::lock_guard lock(mu_);
  schedule_[key].next_probe = Clock::TimePoint{};
}

Result<runtime::ReconcileResult> RemoteClusterReconciler::Reconcile(const std::string& key,
                                                                    std::stop_token stop) {
  const runtime::ObjectPtr object = remote_clusters_.Get(key);
  if (!object) {  // gone; the finalizer already cleaned up
    std::lock_guard lock(mu_);
    schedule_.erase(key);
    return runtime::ReconcileResult{};
  }
  auto decoded = api::RemoteClusterFromJson(*object);
  if (!decoded.ok()) {
    events_.Event(*object, runtime::EventType::kWarning, "InvalidSpec", decoded.error().message());
    return std::move(decoded).error().MarkTerminal();
  }
  const api::RemoteCluster& rc = *decoded;
  if (rc.metadata.being_deleted) return Finalize(rc, *object, stop);
  if (!HasFinalizer(rc)) {
    // The write re-triggers this key; the probe happens on that pass.
    DRS_RETURN_IF_ERROR(EnsureFinalizer(rc, stop));
    return runtime::ReconcileResult{};
  }

  const auto now = clock_.Now();
  // A new rotate-keys value is handled at once, not at the next probe.
  const std::string rotation = agents_ != nullptr ? PendingKeyRotation(rc) : "";
  {
    std::lock_guard lock(mu_);
    Schedule& s = schedule_[key];
    if (rotation.empty() && s.generation == rc.metadata.generation && now < s.next_probe) {
      return runtime::ReconcileResult{.requeue_after = s.next_probe - now};
    }
  }

  RemoteClusterObservation observed;
  std::shared_ptr<const ClusterConnection> connection;
  observed.kubeconfig = LoadKubeconfig(rc, stop, &connection);
  if (connection) {
    const auto started = clock_.Now();
    observed.probe = Probe(*connection, stop);
    if (probe_seconds_ != nullptr) {
      probe_seconds_->WithLabels({key}).Observe(
          std::chrono::duration<double>(clock_.Now() - started).count());
    }
  }
  if (stop.stop_requested()) return CancelledError("stopping");

  auto planned = PlanStatus(rc, observed, clock_.WallNow());
  if (!rotation.empty()) RotateKeys(rc, *object, rotation, planned, stop);
  if (agents_ != nullptr) {
    const bool reachable = connection && observed.probe && observed.probe->reachable;
    Status agents =
        agents_->Reconcile(rc, reachable ? &connection->dynamic() : nullptr, planned, stop);
    if (!agents.ok()) {
      events_.Event(*object, runtime::EventType::kWarning, "AgentCleanupFailed",
                    agents.error().ToString());
    }
    const auto* before = api::FindCondition(rc.status.conditions, api::kConditionAgentsReady);
    const auto* after = api::FindCondition(planned.conditions, api::kConditionAgentsReady);
    if (after != nullptr && (before == nullptr || before->reason != after->reason)) {
      events_.Event(*object,
                    after->status == api::ConditionStatus::kFalse ? runtime::EventType::kWarning
                                                                  : runtime::EventType::kNormal,
                    "Agents" + after->reason, after->message);
    }
  }
  const bool was_ready = api::IsConditionTrue(rc.status.conditions, api::kConditionReady);
  const bool is_ready = api::IsConditionTrue(planned.conditions, api::kConditionReady);
  if (StatusNeedsWrite(rc.status, planned)) {
    DRS_RETURN_IF_ERROR(WriteStatus(*object, planned, stop));
  }
  if (was_ready != is_ready || rc.status.conditions.empty()) {
    const auto* ready = api::FindCondition(planned.conditions, api::kConditionReady);
    events_.Event(*object, is_ready ? runtime::EventType::kNormal : runtime::EventType::kWarning,
                  is_ready ? "Ready" : ready->reason, ready->message);
    GetLogger("remotecluster")
        ->info(Fields(
            is_ready ? "remote cluster ready" : "remote cluster not ready",
            {{"remotecluster", key}, {"reason", ready->reason}, {"message", ready->message}}));
  }
  if (ready_gauge_ != nullptr) ready_gauge_->WithLabels({key}).Set(is_ready ? 1 : 0);

  std::lock_guard lock(mu_);
  Schedule& s = schedule_[key];
  s.generation = rc.metadata.generation;
  s.next_probe = now + rc.spec.probe_interval;
  return runtime::ReconcileResult{
      .requeue_after = std::chrono::duration_cast<Clock::Duration>(rc.spec.probe_interval)};
}

void RemoteClusterReconciler::RotateKeys(const api::RemoteCluster& rc, const nlohmann::json& object,
                                         const std::string& token, api::RemoteClusterStatus& status,
                                         std::stop_token stop) {
  auto rotated = agents_->RotateKeys(rc, token, stop);
  if (!rotated.ok()) {
    // The token stays unhandled: the next probe tries again, and rings
    // rotated for it already are not rotated twice.
    events_.Event(object, runtime::EventType::kWarning, "KeyRotationFailed",
                  "rotating the PVC sync keys for " + std::string(api::kRotateKeysAnnotation) +
                      "=" + token + ": " + rotated.error().ToString());
    GetLogger("remotecluster")
        ->warn(Fields(
            "key rotation failed",
            {{"remotecluster", Key(rc)}, {"token", token}, {"error", rotated.error().ToString()}}));
    return;
  }
  status.last_handled_key_rotation = token;
  status.last_key_rotation_time = clock_.WallNow();
  const std::string what = std::string(api::kRotateKeysAnnotation) + "=" + token;
  if (rotated->any()) {
    const std::string message = "rotated " + rotated->Describe() + " for " + what +
                                "; the keys they replace stop working at " +
                                FormatRfc3339(rotated->retired_until);
    events_.Event(object, runtime::EventType::kNormal, "KeysRotated", message);
    GetLogger("remotecluster")->info(Fields(message, {{"remotecluster", Key(rc)}}));
  } else if (rotated->already == 0) {
    const std::string message =
        "no key to rotate for " + what + ": PVC sync holds no keys for this cluster";
    events_.Event(object, runtime::EventType::kNormal, "KeyRotationSkipped", message);
    GetLogger("remotecluster")->info(Fields(message, {{"remotecluster", Key(rc)}}));
  }
  // Else a retry whose rotation was done and reported before: only the
  // status is still to be written.
}

KubeconfigObservation RemoteClusterReconciler::LoadKubeconfig(
    const api::RemoteCluster& rc, std::stop_token stop,
    std::shared_ptr<const ClusterConnection>* connection) {
  const auto& ref = rc.spec.kubeconfig_secret_ref;
  const std::string secret = ref.ns + "/" + ref.name;
  auto got = local_.Get(kSecrets, ref.ns, ref.name, stop);
  if (!got.ok()) {
    if (got.error().code() == ErrorCode::kNotFound) {
      return {false, "SecretNotFound", "Secret " + secret + " not found"};
    }
    if (got.error().code() == ErrorCode::kPermissionDenied) {
      return {false, "SecretForbidden",
              "dr-syncer may not read Secret " + secret + ": grant it get on secrets in " + ref.ns};
    }
    return {false, "SecretUnreadable", "reading Secret " + secret + ": " + got.error().ToString()};
  }
  const auto data = got->value("data", nlohmann::json::object());
  auto it = data.find(ref.key);
  if (it == data.end() || !it->is_string()) {
    std::string keys;
    for (const auto& [k, _] : data.items()) keys += (keys.empty() ? "" : ", ") + k;
    return {false, "KeyMissing",
            "Secret " + secret + " has no key \"" + ref.key + "\"" +
                (keys.empty() ? " (it is empty)" : " (keys: " + keys + ")")};
  }
  auto bytes = Base64Decode(it->get<std::string>());
  if (!bytes.ok()) {
    return {false, "KubeconfigInvalid",
            "Secret " + secret + " key \"" + ref.key + "\" is not valid base64"};
  }
  auto built = connections_.Ensure({.uid = rc.metadata.uid,
                                    .display_name = Key(rc),
                                    .kubeconfig = SecretBytes(std::move(bytes).value()),
                                    .context = rc.spec.context,
                                    .qps = rc.spec.qps,
                                    .burst = rc.spec.burst});
  if (!built.ok()) {
    return {false, "KubeconfigInvalid",
            "the kubeconfig in Secret " + secret + " key \"" + ref.key +
                "\" is not usable: " + built.error().message()};
  }
  *connection = std::move(built).value();
  return {true, "", ""};
}

Status RemoteClusterReconciler::WriteStatus(const nlohmann::json& object,
                                            const api::RemoteClusterStatus& status,
                                            std::stop_token stop) {
  nlohmann::json updated = object;
  updated["status"] = api::ToJson(status);
  // A stale resourceVersion is a Conflict: the controller retries with the
  // fresh object from the informer.
  auto r = local_.UpdateStatus(api::kRemoteClusters, kube::Namespace(object), updated, {}, stop);
  if (!r.ok()) return std::move(r).error();
  return OkStatus();
}

Status RemoteClusterReconciler::EnsureFinalizer(const api::RemoteCluster& rc,
                                                std::stop_token stop) {
  // JSON patch guarded by the resourceVersion: appending to a list with a
  // merge patch would replace others' finalizers.
  nlohmann::json patch = nlohmann::json::array({{{"op", "test"},
                                                 {"path", "/metadata/resourceVersion"},
                                                 {"value", rc.metadata.resource_version}}});
  if (rc.metadata.finalizers.empty()) {
    patch.push_back({{"op", "add"},
                     {"path", "/metadata/finalizers"},
                     {"value", nlohmann::json::array({kRemoteClusterFinalizer})}});
  } else {
    patch.push_back(
        {{"op", "add"}, {"path", "/metadata/finalizers/-"}, {"value", kRemoteClusterFinalizer}});
  }
  auto r = local_.Patch(api::kRemoteClusters, rc.metadata.ns, rc.metadata.name,
                        kubeclient::PatchType::kJson, patch, {}, "", stop);
  if (!r.ok()) return std::move(r).error();
  return OkStatus();
}

Result<runtime::ReconcileResult> RemoteClusterReconciler::Finalize(const api::RemoteCluster& rc,
                                                                   const nlohmann::json& object,
                                                                   std::stop_token stop) {
  if (agents_ != nullptr && HasFinalizer(rc) && (rc.spec.pvc_sync.enabled || rc.status.agents)) {
    // Best effort: an unreachable cluster must not block the deletion.
    auto connection = connections_.Get(Key(rc));
    Status removed = agents_->Remove(rc, connection ? &connection->dynamic() : nullptr, stop);
    if (!removed.ok()) {
      events_.Event(
          object, runtime::EventType::kWarning, "AgentCleanupFailed",
          "the agents could not be removed from the cluster: " + removed.error().ToString());
    }
  }
  connections_.Remove(rc.metadata.uid);
  {
    std::lock_guard lock(mu_);
    schedule_.erase(Key(rc));
  }
  if (ready_gauge_ != nullptr) ready_gauge_->WithLabels({Key(rc)}).Set(0);
  if (!HasFinalizer(rc)) return runtime::ReconcileResult{};
  nlohmann::json remaining = nlohmann::json::array();
  for (const auto& f : rc.metadata.finalizers) {
    if (f != kRemoteClusterFinalizer) remaining.push_back(f);
  }
  const nlohmann::json patch = nlohmann::json::array(
      {{{"op", "test"},
        {"path", "/metadata/resourceVersion"},
        {"value", rc.metadata.resource_version}},
       {{"op", "replace"}, {"path", "/metadata/finalizers"}, {"value", remaining}}});
  auto r = local_.Patch(api::kRemoteClusters, rc.metadata.ns, rc.metadata.name,
                        kubeclient::PatchType::kJson, patch, {}, "", stop);
  if (!r.ok() && r.error().code() != ErrorCode::kNotFound) return std::move(r).error();
  events_.Event(object, runtime::EventType::kNormal, "Finalized",
                "connection to the remote cluster closed");
  return runtime::ReconcileResult{};
}

}  // namespace drs::controller
