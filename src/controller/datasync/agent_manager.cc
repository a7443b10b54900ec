#include "controller/datasync/agent_manager.h"

#include "api/group.h"
#include "base/logging.h"
#include "controller/datasync/access_document.h"
#include "controller/datasync/names.h"
#include "controller/datasync/resources.h"
#include "sync/desired_hash.h"
#include "sync/keys.h"
#include "sync/namespace_sync.h"

namespace drs::controller::datasync {
namespace {

std::optional<kube::OwnerReference> OwnerIfLocal(const api::RemoteCluster& rc,
                                                 const std::string& key_namespace) {
  if (rc.metadata.ns != key_namespace || rc.metadata.uid.empty()) return std::nullopt;
  return kube::OwnerReference{.api_version = std::string(api::kApiVersion),
                              .kind = std::string(api::kRemoteClusterKind),
                              .name = rc.metadata.name,
                              .uid = rc.metadata.uid};
}

std::string Id(const api::RemoteCluster& rc) { return ObjectId(rc.metadata.ns, rc.metadata.name); }

}  // namespace

std::string KeyRotation::Describe() const {
  std::vector<std::string> parts;
  if (host) parts.emplace_back("the host key");
  if (controller) parts.emplace_back("the controller key");
  if (movers > 0) {
    parts.push_back(std::to_string(movers) + (movers == 1 ? " mover key" : " mover keys"));
  }
  if (parts.empty()) return "no keys";
  std::string out = parts.front();
  for (std::size_t i = 1; i < parts.size(); ++i) {
    out += (i + 1 == parts.size() ? " and " : ", ") + parts[i];
  }
  return out;
}

KeyHolder AgentManager::HostHolder(const api::RemoteCluster& rc, const std::string& key_namespace) {
  return {
      .role = KeyRole::kHost, .remote_cluster = Id(rc), .owner = OwnerIfLocal(rc, key_namespace)};
}

KeyHolder AgentManager::ControllerHolder(const api::RemoteCluster& rc,
                                         const std::string& key_namespace) {
  return {.role = KeyRole::kController,
          .remote_cluster = Id(rc),
          .owner = OwnerIfLocal(rc, key_namespace)};
}

std::string AgentManager::ImageFor(const api::AgentSpec& agent) const {
  return agent.image.empty() ? default_image_ : agent.image;
}

std::mutex& AgentManager::PublishMutex(const std::string& remote_cluster) {
  std::lock_guard lock(mu_);
  auto& m = publish_[remote_cluster];
  if (!m) m = std::make_unique<std::mutex>();
  return *m;
}

void AgentManager::ForgetApplied(const std::string& remote_cluster) {
  std::lock_guard lock(mu_);
  std::erase_if(applied_,
                [&](const auto& entry) { return entry.first.starts_with(remote_cluster + "|"); });
}

Status AgentManager::ApplyIfChanged(const std::string& remote_cluster,
                                    kubeclient::DynamicClient& remote,
                                    const kube::GroupVersionResource& gvr,
                                    const nlohmann::json& object, std::stop_token stop) {
  const std::string key = remote_cluster + "|" + gvr.ToString() + "|" + kube::Namespace(object) +
                          "/" + kube::Name(object);
  const std::string hash = sync::Sha256Hex(object.dump());
  const auto now = clock_.Now();
  {
    std::lock_guard lock(mu_);
    auto it = applied_.find(key);
    if (it != applied_.end() && it->second.hash == hash && now - it->second.at < kReapplyInterval) {
      return OkStatus();
    }
  }
  auto applied =
      remote.Apply(gvr, kube::Namespace(object), object,
                   {.field_manager = std::string(sync::kFieldManager), .force = true}, "", stop);
  if (!applied.ok()) return std::move(applied).error();
  std::lock_guard lock(mu_);
  applied_[key] = {hash, now};
  return OkStatus();
}

Status AgentManager::Deploy(const api::RemoteCluster& rc, kubeclient::DynamicClient& remote,
                            std::stop_token stop) {
  const auto interval = rc.spec.pvc_sync.key_rotation_interval;
  const std::string& key_ns = keys_.controller_namespace();
  DRS_ASSIGN_OR_RETURN(auto host, keys_.Ensure(HostHolder(rc, key_ns), interval, {}, stop));
  DRS_RETURN_IF_ERROR(keys_.Ensure(ControllerHolder(rc, key_ns), interval, {}, stop));
  const RingKey* host_key = NewestLive(host.ring, clock_.WallNow());
  if (host_key == nullptr) return InternalError("the host key ring of " + Id(rc) + " is empty");
  const AgentSettings settings{.remote_cluster = Id(rc),
                               .agent = rc.spec.pvc_sync.agent,
                               .image = ImageFor(rc.spec.pvc_sync.agent)};
  DRS_RETURN_IF_ERROR(
      ApplyIfChanged(Id(rc), remote, kNamespacesResource, AgentNamespace(settings), stop));
  DRS_RETURN_IF_ERROR(ApplyIfChanged(Id(rc), remote, kServiceAccountsResource,
                                     AgentServiceAccount(settings), stop));
  DRS_RETURN_IF_ERROR(
      ApplyIfChanged(Id(rc), remote, kSecretsResource, HostKeySecret(settings, *host_key), stop));
  DRS_RETURN_IF_ERROR(PublishAccess(Id(rc), remote, stop));
  return ApplyIfChanged(Id(rc), remote, kDaemonSetsResource,
                        AgentDaemonSet(settings, host_key->serial), stop);
}

AgentObservation AgentManager::Ensure(const api::RemoteCluster& rc,
                                      kubeclient::DynamicClient& remote, std::stop_token stop) {
  AgentObservation observed;
  if (Status deployed = Deploy(rc, remote, stop); !deployed.ok()) {
    observed.deploy_error = "deploying the agents: " + deployed.error().ToString();
    GetLogger("datasync")
        ->warn(Fields("agent deployment failed",
                      {{"remotecluster", Id(rc)}, {"error", deployed.error().ToString()}}));
  }
  auto ds = remote.Get(kDaemonSetsResource, kAgentNamespace, kAgentName, stop);
  if (ds.ok()) {
    observed.daemon_set = std::move(ds).value();
  } else if (ds.error().code() != ErrorCode::kNotFound && observed.deploy_error.empty()) {
    observed.deploy_error = "reading the agent DaemonSet: " + ds.error().ToString();
  }
  return observed;
}

Status AgentManager::PublishAccess(const std::string& remote_cluster,
                                   kubeclient::DynamicClient& remote, std::stop_token stop) {
  std::lock_guard lock(PublishMutex(remote_cluster));
  DRS_ASSIGN_OR_RETURN(
      auto controller,
      keys_.Load({.role = KeyRole::kController, .remote_cluster = remote_cluster}, stop));
  DRS_ASSIGN_OR_RETURN(auto movers, keys_.ListMovers(remote_cluster, stop));
  std::vector<MoverAccess> access;
  for (const StoredRing& m : movers) {
    if (is_live_ && !is_live_(m.grant->replication, remote_cluster)) continue;
    access.push_back({&*m.grant, &m.ring});
  }
  const auto doc = BuildAccessDocument(controller.ring, access, clock_.WallNow());
  const AgentSettings settings{.remote_cluster = remote_cluster};
  auto applied =
      ApplyIfChanged(remote_cluster, remote, kSecretsResource, AccessSecret(settings, doc), stop);
  if (!applied.ok()) {
    return std::move(applied).error().WithContext("publishing access.json to " + remote_cluster);
  }
  return OkStatus();
}

Result<std::vector<std::string>> AgentManager::HostKeys(const std::string& remote_cluster,
                                                        std::stop_token stop) {
  DRS_ASSIGN_OR_RETURN(
      auto host, keys_.Load({.role = KeyRole::kHost, .remote_cluster = remote_cluster}, stop));
  std::vector<std::string> keys;
  const auto now = clock_.WallNow();
  for (const RingKey& k : host.ring.keys) {
    if (k.Live(now)) keys.push_back(k.public_key);
  }
  if (keys.empty()) {
    return FailedPreconditionError("the agents of RemoteCluster " + remote_cluster +
                                   " have no host key yet");
  }
  return keys;
}

Status AgentManager::Reconcile(const api::RemoteCluster& rc, kubeclient::DynamicClient* remote,
                               api::RemoteClusterStatus& status, std::stop_token stop) {
  if (rc.spec.pvc_sync.enabled) {
    if (remote != nullptr) {
      ApplyAgentStatus(status, Ensure(rc, *remote, stop), rc.metadata.generation, clock_.WallNow());
      CheckAgents(rc, *remote, status, stop);
    }
    return OkStatus();
  }
  if (!status.agents || remote == nullptr) return OkStatus();
  DRS_RETURN_IF_ERROR(Remove(rc, remote, stop));
  ClearAgentStatus(status);
  return OkStatus();
}

Result<KeyRotation> AgentManager::RotateKeys(const api::RemoteCluster& rc, const std::string& token,
                                             std::stop_token stop) {
  const auto interval = rc.spec.pvc_sync.key_rotation_interval;
  const std::string& key_ns = keys_.controller_namespace();
  KeyRotation rotation;
  DRS_ASSIGN_OR_RETURN(ForcedRotation host,
                       keys_.Rotate(HostHolder(rc, key_ns), interval, token, stop));
  DRS_ASSIGN_OR_RETURN(ForcedRotation controller,
                       keys_.Rotate(ControllerHolder(rc, key_ns), interval, token, stop));
  DRS_ASSIGN_OR_RETURN(ForcedRotationCount movers,
                       keys_.RotateMovers(Id(rc), interval, token, stop));
  rotation.host = host == ForcedRotation::kRotated;
  rotation.controller = controller == ForcedRotation::kRotated;
  rotation.movers = movers.rotated;
  rotation.already = (host == ForcedRotation::kAlready ? 1 : 0) +
                     (controller == ForcedRotation::kAlready ? 1 : 0) + movers.already;
  // Every ring's notAfter was set before this: a bound for all of them.
  rotation.retired_until = clock_.WallNow() + std::chrono::duration_cast<Clock::WallTime::duration>(
                                                  keys_.OverlapFor(interval));
  return rotation;
}

Status AgentManager::Remove(const api::RemoteCluster& rc, kubeclient::DynamicClient* remote,
                            std::stop_token stop) {
  if (remote != nullptr) {
    auto ns = remote->Get(kNamespacesResource, "", kAgentNamespace, stop);
    if (ns.ok() && sync::IsOurs(*ns) && !kube::IsBeingDeleted(*ns)) {
      // Everything of the agents lives in their namespace.
      DRS_RETURN_IF_ERROR(remote->Delete(kNamespacesResource, "", kAgentNamespace,
                                         {.propagation_policy = "Background"}, stop));
      GetLogger("datasync")->info(Fields("removed the agents", {{"remotecluster", Id(rc)}}));
    } else if (!ns.ok() && ns.error().code() != ErrorCode::kNotFound) {
      return std::move(ns).error().WithContext("removing the agents of " + Id(rc));
    }
  }
  const std::string& key_ns = keys_.controller_namespace();
  DRS_RETURN_IF_ERROR(keys_.Delete(HostHolder(rc, key_ns), stop));
  DRS_RETURN_IF_ERROR(keys_.Delete(ControllerHolder(rc, key_ns), stop));
  ForgetApplied(Id(rc));
  health_.Forget(Id(rc));
  return OkStatus();
}

void AgentManager::CheckAgents(const api::RemoteCluster& rc, kubeclient::DynamicClient& remote,
                               api::RemoteClusterStatus& status, std::stop_token stop) {
  const auto failed = [&](const Error& error) {
    GetLogger("datasync")
        ->warn(Fields("agent health check failed",
                      {{"remotecluster", Id(rc)}, {"error", error.ToString()}}));
    ApplyAgentCheckError(status, error.ToString(), rc.metadata.generation, clock_.WallNow());
  };
  auto pods = remote.ListAll(kPodsResource, std::string(kAgentNamespace),
                             {.label_selector = AgentPodSelector()}, stop);
  if (!pods.ok()) return failed(pods.error().WithContext("listing the agent pods"));
  const std::vector<AgentTarget> targets = ReadyAgentTargets(pods->items);
  if (targets.empty()) {
    status.agents->reachable = 0;
    return;
  }
  auto controller = keys_.Load(ControllerHolder(rc, keys_.controller_namespace()), stop);
  if (!controller.ok()) return failed(controller.error());
  auto host_keys = HostKeys(Id(rc), stop);
  if (!host_keys.ok()) return failed(host_keys.error());
  HealthProbeSettings settings{.port = rc.spec.pvc_sync.agent.ssh_port,
                               .host_keys = std::move(host_keys).value()};
  const auto now = clock_.WallNow();
  const auto& ring = controller->ring.keys;
  for (auto it = ring.rbegin(); it != ring.rend(); ++it) {  // newest first
    if (it->Live(now)) settings.keys.push_back(&it->private_key);
  }
  const auto results = health_.Check(Id(rc), targets, settings, rc.spec.probe_interval, stop);
  for (const AgentHealth& r : results) {
    if (!r.ok) {
      GetLogger("datasync")
          ->debug(
              Fields("agent did not answer the health check",
                     {{"remotecluster", Id(rc)}, {"node", r.target.node}, {"reason", r.reason}}));
    }
  }
  ApplyAgentReachability(status, results, rc.metadata.generation, now);
}

}  // namespace drs::controller::datasync
