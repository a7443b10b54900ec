#include "controller/datasync/source_locator.h"

#include <algorithm>
#include <map>
#include <set>

#include "controller/datasync/json_read.h"
#include "controller/datasync/names.h"
#include "kube/object.h"
#include "sync/desired_hash.h"
#include "sync/keys.h"

namespace drs::controller::datasync {
namespace {

using nlohmann::json;

// The pause container never runs as root and needs nothing.
constexpr int kNobody = 65534;

std::string ReadyAgentAddress(const json& agent) {
  if (!PodRunning(agent) || !PodReady(agent)) return "";
  std::string ip = StringAt(agent, {"status", "podIP"});
  return ip.empty() ? StringAt(agent, {"status", "hostIP"}) : ip;
}

}  // namespace

std::map<std::string, std::string> ReadyAgents(const std::vector<json>& agent_pods) {
  std::map<std::string, std::string> out;
  for (const json& a : agent_pods) {
    const std::string node = StringAt(a, {"spec", "nodeName"});
    const std::string address = ReadyAgentAddress(a);
    if (!node.empty() && !address.empty()) out.emplace(node, address);
  }
  return out;
}

bool PodMountsClaim(const json& pod, std::string_view claim) {
  for (const json& v : ArrayAt(pod, {"spec", "volumes"})) {
    if (StringAt(v, {"persistentVolumeClaim", "claimName"}) == claim) return true;
  }
  return false;
}

bool PodRunning(const json& pod) {
  return StringAt(pod, {"status", "phase"}) == "Running" && !kube::IsBeingDeleted(pod);
}

bool PodReady(const json& pod) {
  for (const json& c : ArrayAt(pod, {"status", "conditions"})) {
    if (StringAt(c, {"type"}) == "Ready") return StringAt(c, {"status"}) == "True";
  }
  return false;
}

Location LocateSource(std::string_view ns, std::string_view claim,
                      const std::vector<json>& source_pods, const std::vector<json>& agent_pods) {
  std::map<std::string, std::string> users;  // node -> a pod on it using the claim
  for (const json& p : source_pods) {
    const std::string node = StringAt(p, {"spec", "nodeName"});
    if (node.empty() || !PodRunning(p) || !PodMountsClaim(p, claim)) continue;
    auto [it, added] = users.emplace(node, kube::Name(p));
    if (!added && kube::Name(p) < it->second) it->second = kube::Name(p);
  }
  const std::string what = "claim " + std::string(ns) + "/" + std::string(claim);
  if (users.empty()) {
    return {std::nullopt, LocateFailure::kNotMounted, what + " is not mounted by any running pod"};
  }
  const auto agents = ReadyAgents(agent_pods);
  std::string nodes;
  for (const auto& [node, pod] : users) {
    auto it = agents.find(node);
    if (it != agents.end()) {
      return {AgentEndpoint{.node = node, .address = it->second, .pod = pod}, LocateFailure::kNone,
              ""};
    }
    nodes += (nodes.empty() ? "" : ", ") + node + " (pod " + pod + ")";
  }
  return {std::nullopt, LocateFailure::kNoAgent,
          what + " is mounted on " + nodes + " but no dr-syncer agent is ready there"};
}

std::string MountPodName(std::string_view replication, std::string_view claim) {
  return HashedName("drs-mount-" + std::string(claim),
                    std::string(replication) + "\n" + std::string(claim), kMaxDnsLabel);
}

std::optional<json> MountPod(std::string_view ns, std::string_view claim,
                             const MountPodSettings& settings,
                             const std::vector<json>& agent_pods) {
  const auto agents = ReadyAgents(agent_pods);
  if (agents.empty()) return std::nullopt;
  // A stable spread: the claim's hash picks the node among the ready ones.
  const std::string hash = sync::Sha256Hex(std::string(ns) + "/" + std::string(claim));
  const auto index = std::stoull(hash.substr(0, kNameHashDigits), nullptr, 16) % agents.size();
  auto chosen = agents.begin();
  std::advance(chosen, static_cast<std::ptrdiff_t>(index));
  json labels = {{sync::kManagedByLabel, sync::kManagedByValue},
                 {kComponentLabel, kComponentMountPod},
                 {sync::kReplicationLabel, LabelValue(settings.replication)},
                 {kClaimLabel, LabelValue(claim)}};
  json container = {{"name", "mount"},
                    {"image", settings.image},
                    {"imagePullPolicy", "IfNotPresent"},
                    {"volumeMounts",
                     json::array({{{"name", "data"}, {"mountPath", "/data"}, {"readOnly", true}}})},
                    {"securityContext",
                     {{"runAsUser", kNobody},
                      {"runAsNonRoot", true},
                      {"allowPrivilegeEscalation", false},
                      {"readOnlyRootFilesystem", true},
                      {"capabilities", {{"drop", json::array({"ALL"})}}}}}};
  json spec = {
      {"nodeName", chosen->first},
      {"automountServiceAccountToken", false},
      {"enableServiceLinks", false},
      {"restartPolicy", "Always"},
      {"terminationGracePeriodSeconds", 0},
      {"containers", json::array({std::move(container)})},
      {"volumes",
       json::array({{{"name", "data"},
                     {"persistentVolumeClaim", {{"claimName", claim}, {"readOnly", true}}}}})}};
  if (settings.agent.tolerations.is_array() && !settings.agent.tolerations.empty()) {
    spec["tolerations"] = settings.agent.tolerations;
  }
  return json{{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata",
               {{"name", MountPodName(settings.replication, claim)},
                {"namespace", ns},
                {"labels", std::move(labels)},
                {"annotations", {{kClaimAnnotation, claim}}}}},
              {"spec", std::move(spec)}};
}

}  // namespace drs::controller::datasync
