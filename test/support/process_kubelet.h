#pragma once
// ProcessKubelet: the test bed's process kubelet (drs-process-kubelet,
// docs/testbed.md) for one cluster of the bed, started from a test. Start
// returns once every node is registered and Ready; Stop asks it to stop
// (SIGTERM: containers stopped, volumes unmounted, nodes removed) and waits;
// Crash kills it as a crash would (SIGKILL: containers and mounts stay until
// the next kubelet or `scripts/testbed down` clears them). The destructor
// stops it if the test did not.
//
// One kubelet per cluster at a time: two would register the same nodes and
// race to bind pods. Tests that start one must not run beside another test
// doing so on the same cluster (ctest RESOURCE_LOCK, or a bed of their own).
//
// Thread-safety: not thread-safe; one test owns it.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/background_process.h"
#include "support/testbed.h"

namespace drs::testing {

struct ProcessKubeletOptions {
  int nodes = 2;
  std::string node_ip_prefix;  // "" = the kubelet's default, 127.0.1.
  std::string agent_binary;    // "" = the kubelet's default (the build's)
  std::vector<std::string> extra_args;
  std::string log_path;  // "" = <cluster dir>/logs/process-kubelet-test.log
};

class ProcessKubelet {
 public:
  // Fails the test (ADD_FAILURE, with the kubelet's log) and returns null
  // when it does not come up within a minute.
  static std::unique_ptr<ProcessKubelet> Start(const TestbedCluster& cluster,
                                               ProcessKubeletOptions options = {});
  ~ProcessKubelet();

  // SIGTERM, then waits for the exit; true when it exited cleanly (0).
  bool Stop(std::chrono::seconds timeout = std::chrono::seconds(90));
  // SIGKILL, like a crash.
  void Crash();
  bool Running() { return process_.Running(); }
  std::string Log() const { return process_.Log(); }

  // node-<n>'s root directory on this machine (what it has as `/`).
  std::string NodeRoot(int n) const;
  const std::string& cluster_dir() const { return cluster_dir_; }

 private:
  ProcessKubelet(BackgroundProcess process, std::string cluster_dir)
      : process_(std::move(process)), cluster_dir_(std::move(cluster_dir)) {}

  BackgroundProcess process_;
  std::string cluster_dir_;
  bool stopped_ = false;
};

// The drs-process-kubelet binary built with this test suite, or
// $DRS_PROCESS_KUBELET when set (as scripts/testbed reads it too).
std::string ProcessKubeletBinary();

}  // namespace drs::testing
