#pragma once
// The objects dr-syncer deploys into a source cluster with pvcSync.enabled
// (docs/data-sync.md): the agent Namespace, its ServiceAccount, the host key
// and access Secrets, and the DaemonSet. Every object carries
// app.kubernetes.io/managed-by=dr-syncer and is applied with server-side
// apply, so the builders produce the complete desired form.
//
// RBAC: the agent never talks to the Kubernetes API — it reads its two
// Secrets as mounted files and the kubelet's pods tree from the host — so
// its ServiceAccount gets no Role and no token (automountServiceAccountToken
// is false on both the ServiceAccount and the pod).
//
// A change of image, port, resources, nodeSelector, tolerations, priority
// class, host network or host key changes the pod template (the host key
// through its serial in an annotation, since a Secret's content alone does
// not restart pods), so the DaemonSet rolls out. access.json changes do not:
// the agent reloads it when the mounted Secret changes.
//
// Thread-safety: pure functions.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/remote_cluster.h"
#include "controller/datasync/key_ring.h"

namespace drs::controller::datasync {

struct AgentSettings {
  std::string remote_cluster;  // "<namespace>/<name>" of the RemoteCluster
  api::AgentSpec agent;
  std::string image;  // agent.image, or the controller's --agent-image
};

nlohmann::json AgentNamespace(const AgentSettings& settings);
nlohmann::json AgentServiceAccount(const AgentSettings& settings);
// REQUIRES: host_key has its private key.
nlohmann::json HostKeySecret(const AgentSettings& settings, const RingKey& host_key);
nlohmann::json AccessSecret(const AgentSettings& settings, const nlohmann::json& access_document);
nlohmann::json AgentDaemonSet(const AgentSettings& settings, std::int64_t host_key_serial);

// The label selector (as a string) of the agent pods.
std::string AgentPodSelector();

}  // namespace drs::controller::datasync
