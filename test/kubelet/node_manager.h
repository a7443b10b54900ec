#pragma once
// NodeManager: the simulated nodes of one cluster — registration (create,
// or take over a Node left by an earlier run), the heartbeat that keeps the
// node lifecycle controller from marking them NotReady and tainting them
// (Lease renewal every 10 s, status every minute), and removal on stop.
//
// Thread-safety: nodes() is immutable after construction; Register, Run
// and Unregister are called from one thread each (Run on its own).

#include <chrono>
#include <stop_token>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "kubeclient/dynamic_client.h"
#include "kubelet/layout.h"
#include "kubelet/node_object.h"
#include "kubelet/node_selection.h"

namespace drs::kubelet {

struct NodeEntry {
  NodeDescription description;
  NodeLayout layout;
  NodeInfo info;  // name and labels, for scheduling
};

struct NodeManagerOptions {
  std::string cluster_dir;
  int count = 2;
  std::string ip_prefix = "127.0.1.";  // node n gets <prefix><n>
  std::string kubelet_version = "v1.36.3";
  int lease_seconds = 40;
  std::chrono::seconds lease_renew{10};
  std::chrono::seconds status_heartbeat{60};
};

class NodeManager {
 public:
  // REQUIRES: `client` and `clock` outlive the manager.
  NodeManager(kubeclient::DynamicClient& client, Clock& clock, NodeManagerOptions options);

  const std::vector<NodeEntry>& nodes() const { return nodes_; }
  // The node with this name, or null.
  const NodeEntry* Find(const std::string& name) const;

  // Creates or updates every Node (status included) and its Lease.
  Status Register(std::stop_token stop);
  // Heartbeats until stopped; failures are logged and retried next beat.
  void Run(std::stop_token stop);
  // Deletes the Nodes and their Leases.
  Status Unregister();

 private:
  Status RegisterOne(const NodeEntry& node, std::stop_token stop);
  Status RenewLease(const NodeEntry& node, std::stop_token stop);
  Status PostStatus(const NodeEntry& node, std::stop_token stop);

  kubeclient::DynamicClient& client_;
  Clock& clock_;
  const NodeManagerOptions options_;
  std::vector<NodeEntry> nodes_;
};

}  // namespace drs::kubelet
