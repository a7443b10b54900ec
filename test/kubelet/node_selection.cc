#include "kubelet/node_selection.h"

#include <charconv>
#include <cstdint>

#include "kube/object.h"

namespace drs::kubelet {
namespace {

using nlohmann::json;

std::string Str(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> Values(const json& requirement) {
  std::vector<std::string> out;
  for (const auto& v : requirement.value("values", json::array())) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

bool ParseInt(const std::string& s, std::int64_t& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// One requirement against a value that is present (`has`) or not.
bool Matches(const json& requirement, bool has, const std::string& value) {
  const std::string op = Str(requirement, "operator");
  const auto values = Values(requirement);
  const auto contains = [&] {
    for (const auto& v : values) {
      if (v == value) return true;
    }
    return false;
  };
  if (op == "In") return has && contains();
  if (op == "NotIn") return !has || !contains();
  if (op == "Exists") return has;
  if (op == "DoesNotExist") return !has;
  if (op == "Gt" || op == "Lt") {
    std::int64_t have = 0;
    std::int64_t want = 0;
    if (!has || values.size() != 1 || !ParseInt(value, have) || !ParseInt(values[0], want)) {
      return false;
    }
    return op == "Gt" ? have > want : have < want;
  }
  return false;  // an unknown operator matches nothing
}

bool MatchesTerm(const json& term, const NodeInfo& node) {
  const json expressions = term.value("matchExpressions", json::array());
  const json fields = term.value("matchFields", json::array());
  if (expressions.empty() && fields.empty()) return false;  // an empty term matches no node
  for (const auto& r : expressions) {
    auto it = node.labels.find(Str(r, "key"));
    if (!Matches(r, it != node.labels.end(), it != node.labels.end() ? it->second : "")) {
      return false;
    }
  }
  for (const auto& r : fields) {
    // metadata.name is the only field selector Kubernetes supports here.
    if (Str(r, "key") != "metadata.name" || !Matches(r, true, node.name)) return false;
  }
  return true;
}

bool MatchesNodeSelectorMap(const json& selector, const NodeInfo& node) {
  if (!selector.is_object()) return true;
  for (const auto& [k, v] : selector.items()) {
    auto it = node.labels.find(k);
    if (it == node.labels.end() || !v.is_string() || it->second != v.get<std::string>()) {
      return false;
    }
  }
  return true;
}

// Nodes allowed by the pod's claims' volumes, or an error saying why it waits.
Status CheckClaims(const json& pod, const ObjectLookup& lookup, std::vector<json>& pv_affinities) {
  const std::string ns = kube::Namespace(pod);
  // REQUIRES (checked by the caller): pod.spec is an object.
  for (const auto& volume : pod["spec"].value("volumes", json::array())) {
    auto claim_ref = volume.find("persistentVolumeClaim");
    if (claim_ref == volume.end()) continue;
    const std::string claim_name = Str(*claim_ref, "claimName");
    ObjectPtr claim = lookup.PersistentVolumeClaim(ns, claim_name);
    if (!claim) {
      return FailedPreconditionError("persistentvolumeclaim \"" + claim_name + "\" not found");
    }
    const std::string pv_name = Str((*claim).value("spec", json::object()), "volumeName");
    const std::string phase = Str((*claim).value("status", json::object()), "phase");
    if (pv_name.empty() || phase != "Bound") {
      return FailedPreconditionError("pod has unbound immediate PersistentVolumeClaims (claim \"" +
                                     claim_name + "\")");
    }
    ObjectPtr pv = lookup.PersistentVolume(pv_name);
    if (!pv) {
      return FailedPreconditionError("persistentvolume \"" + pv_name + "\" of claim \"" +
                                     claim_name + "\" not found");
    }
    const json affinity = (*pv).value("spec", json::object()).value("nodeAffinity", json::object());
    if (affinity.contains("required")) pv_affinities.push_back(affinity["required"]);
  }
  return OkStatus();
}

}  // namespace

bool MatchesNodeSelector(const json& node_selector, const NodeInfo& node) {
  const json terms = node_selector.value("nodeSelectorTerms", json::array());
  for (const auto& term : terms) {
    if (term.is_object() && MatchesTerm(term, node)) return true;
  }
  return false;
}

Result<std::vector<std::string>> FeasibleNodes(const json& pod, const std::vector<NodeInfo>& nodes,
                                               const ObjectLookup& lookup) {
  if (!pod.contains("spec") || !pod["spec"].is_object()) {
    return FailedPreconditionError("pod has no spec");
  }
  const json& spec = pod["spec"];
  std::vector<json> pv_affinities;
  DRS_RETURN_IF_ERROR(CheckClaims(pod, lookup, pv_affinities));
  const json required = spec.value("affinity", json::object())
                            .value("nodeAffinity", json::object())
                            .value("requiredDuringSchedulingIgnoredDuringExecution", json());
  std::vector<std::string> out;
  for (const auto& node : nodes) {
    if (!MatchesNodeSelectorMap(spec.value("nodeSelector", json::object()), node)) continue;
    if (required.is_object() && !MatchesNodeSelector(required, node)) continue;
    bool volumes_fit = true;
    for (const auto& a : pv_affinities) volumes_fit = volumes_fit && MatchesNodeSelector(a, node);
    if (volumes_fit) out.push_back(node.name);
  }
  if (out.empty()) {
    return FailedPreconditionError(
        "0/" + std::to_string(nodes.size()) +
        " nodes are available: no node matches the pod's node selector, node affinity or its "
        "volumes' node affinity");
  }
  return out;
}

}  // namespace drs::kubelet
