#pragma once
// The Node and Lease objects the process kubelet registers for each
// simulated node, as a kubelet would: labels (hostname, os, arch, ours),
// the root-directory annotation tests use to find a node's files, status
// with Ready and the pressure conditions, addresses, capacity and nodeInfo;
// a Lease in kube-node-lease owned by the Node, renewed as the heartbeat
// the node lifecycle controller watches.
//
// Thread-safety: pure functions.

#include <string>

#include <nlohmann/json.hpp>

#include "base/clock.h"

namespace drs::kubelet {

inline constexpr char kNodeLeaseNamespace[] = "kube-node-lease";
// Annotation on each Node: the directory on this machine standing for its `/`.
inline constexpr char kRootDirAnnotation[] = "testbed.dr-syncer.io/root-dir";
// Label on each Node the process kubelet manages.
inline constexpr char kManagedLabel[] = "testbed.dr-syncer.io/process-kubelet";

struct NodeDescription {
  std::string name;
  std::string ip;
  std::string root_dir;
  std::string kubelet_version;
  std::string kernel_version;  // this machine's, as uname reports it
  std::string cpu = "4";
  std::string memory = "8Gi";
  std::string pods = "110";
};

nlohmann::json NodeObject(const NodeDescription& node, Clock::WallTime now);
// The status alone (conditions stamped with `now` as heartbeat).
nlohmann::json NodeStatus(const NodeDescription& node, Clock::WallTime now);
nlohmann::json NodeLease(const NodeDescription& node, const std::string& node_uid,
                         int lease_seconds, Clock::WallTime now);

// metav1.MicroTime: RFC 3339 with microseconds, as Lease renewTime wants.
std::string FormatMicroTime(Clock::WallTime time);

}  // namespace drs::kubelet
