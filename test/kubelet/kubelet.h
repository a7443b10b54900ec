#pragma once
// Kubelet: the test bed's process kubelet for one cluster, wired together —
// nodes (NodeManager), scheduling (Scheduler), running pods (PodWorker), the
// informers that feed them, and a clean start and stop:
//   start: kill container shims and unmount volumes a crashed predecessor
//          left under the node roots, make each node root a shared mount,
//          register the nodes, then sync caches and run;
//   stop:  stop the controllers, stop every container (SIGTERM, SIGKILL after
//          --shutdown-grace), unmount every volume, remove the nodes (unless
//          --keep-nodes), and undo the node-root mounts.
//
// Thread-safety: Run() is called once.

#include <chrono>
#include <stop_token>
#include <string>

#include "base/result.h"

namespace drs::kubelet {

struct KubeletOptions {
  std::string kubeconfig;
  std::string cluster_dir;  // <bed>/clusters/<name>
  int nodes = 2;
  std::string node_ip_prefix = "127.0.1.";
  std::string agent_binary;
  std::string shim_binary;  // this program
  std::string kubelet_version = "v1.36.3";
  int workers = 4;
  std::chrono::milliseconds shutdown_grace{5000};
  bool keep_nodes = false;
};

// Runs until `stop`; returns an error when start-up fails.
Status RunKubelet(const KubeletOptions& options, std::stop_token stop);

}  // namespace drs::kubelet
