#pragma once
// Where can a source claim's data be read? From the source pods that use
// the claim (Running, not being deleted) to their node, and from that node
// to the agent pod there (Ready) and its address. A claim no running pod
// mounts can only be read through a temporary pod that mounts it
// (mountUnattachedVolumes): MountPod plans one on a node with a ready agent.
//
// Thread-safety: pure functions.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/remote_cluster.h"

namespace drs::controller::datasync {

struct AgentEndpoint {
  std::string node;
  std::string address;  // the agent pod's IP: the node's with hostNetwork
  std::string pod;      // the source pod that mounts the claim there
};

enum class LocateFailure {
  kNone,
  kNotMounted,  // no running pod mounts the claim
  kNoAgent,     // mounted, but no ready agent on any of those nodes
};

struct Location {
  std::optional<AgentEndpoint> endpoint;
  LocateFailure failure = LocateFailure::kNone;
  std::string message;  // why not, naming the claim, the pods and nodes
};

// True when `pod` lists a persistentVolumeClaim volume for `claim`.
bool PodMountsClaim(const nlohmann::json& pod, std::string_view claim);
// Running and not being deleted.
bool PodRunning(const nlohmann::json& pod);
// Its Ready condition is True.
bool PodReady(const nlohmann::json& pod);

// node -> address of its ready agent (Running and Ready; the pod IP, else
// the host IP), from the agent DaemonSet's pods.
std::map<std::string, std::string> ReadyAgents(const std::vector<nlohmann::json>& agent_pods);

// `source_pods`: the pods of the claim's namespace; `agent_pods`: the agent
// DaemonSet's pods. Nodes are tried in name order; the result is the first
// one with a ready agent.
Location LocateSource(std::string_view ns, std::string_view claim,
                      const std::vector<nlohmann::json>& source_pods,
                      const std::vector<nlohmann::json>& agent_pods);

// The temporary pod that mounts an unattached claim, read-only, on a node
// with a ready agent (chosen by a hash of the claim, so claims spread over
// nodes and a given claim keeps its node); nullopt when no agent is ready.
struct MountPodSettings {
  std::string replication;  // "<namespace>/<name>"
  std::string image;        // runs nothing: the pause image
  api::AgentSpec agent;     // its tolerations go on the pod, for tainted nodes
};
std::optional<nlohmann::json> MountPod(std::string_view ns, std::string_view claim,
                                       const MountPodSettings& settings,
                                       const std::vector<nlohmann::json>& agent_pods);
// The mount pod's name for a claim (deterministic, ≤ 63 characters).
std::string MountPodName(std::string_view replication, std::string_view claim);

}  // namespace drs::controller::datasync
