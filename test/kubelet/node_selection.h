#pragma once
// Which of the kubelet's nodes a pod may run on — the part of
// kube-scheduler the test bed needs, with its simplifications:
//   - nodeSelector (label equality);
//   - required node affinity: nodeSelectorTerms ORed, each term's
//     matchExpressions (In, NotIn, Exists, DoesNotExist, Gt, Lt) over
//     labels and matchFields over metadata.name (how DaemonSet pods are
//     pinned) ANDed;
//   - persistentVolumeClaim volumes: the claim must exist and be bound,
//     and its PersistentVolume's required node affinity must match;
//   - nothing else: no resources, ports, taints, pod (anti-)affinity or
//     topology spread (every node has room for every pod).
// Among the nodes left the scheduler picks round-robin.
//
// Thread-safety: pure functions.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "kubelet/object_lookup.h"

namespace drs::kubelet {

struct NodeInfo {
  std::string name;
  std::map<std::string, std::string> labels;
};

// True when the node satisfies a NodeSelector ({nodeSelectorTerms: [...]}).
bool MatchesNodeSelector(const nlohmann::json& node_selector, const NodeInfo& node);

// The nodes (in the given order) the pod fits on. FailedPrecondition, with
// the scheduler's style of message, when it fits on none or waits for a
// claim to be bound.
Result<std::vector<std::string>> FeasibleNodes(const nlohmann::json& pod,
                                               const std::vector<NodeInfo>& nodes,
                                               const ObjectLookup& lookup);

}  // namespace drs::kubelet
