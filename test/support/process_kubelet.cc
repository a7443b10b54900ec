#include "support/process_kubelet.h"

#include <signal.h>

#include <cstdlib>

#include <thread>

#include <gtest/gtest.h>

#include "support/clients.h"

namespace drs::testing {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr auto kPollInterval = std::chrono::milliseconds(200);
const kube::GroupVersionResource kNodes{"", "v1", "nodes"};

// Ready, and no longer carrying the not-ready taint that admission puts on
// every new Node (the node lifecycle controller lifts it within seconds).
bool NodeReady(ClusterClients& clients, const std::string& name) {
  auto node = clients.dynamic->Get(kNodes, "", name);
  if (!node.ok()) return false;
  for (const auto& t :
       node->value("spec", nlohmann::json::object()).value("taints", nlohmann::json::array())) {
    if (t.value("key", "") == "node.kubernetes.io/not-ready") return false;
  }
  for (const auto& c : node->value("status", nlohmann::json::object())
                           .value("conditions", nlohmann::json::array())) {
    if (c.value("type", "") == "Ready") return c.value("status", "") == "True";
  }
  return false;
}

}  // namespace

std::string ProcessKubeletBinary() {
  // The environment may point at another build of it (a sanitizer build).
  const char* env = std::getenv("DRS_PROCESS_KUBELET");
  return env != nullptr && *env != '\0' ? env : DRS_PROCESS_KUBELET_BINARY;
}

std::unique_ptr<ProcessKubelet> ProcessKubelet::Start(const TestbedCluster& cluster,
                                                      ProcessKubeletOptions options) {
  std::vector<std::string> argv = {ProcessKubeletBinary(), "--kubeconfig=" + cluster.kubeconfig,
                                   "--cluster-dir=" + cluster.dir,
                                   "--nodes=" + std::to_string(options.nodes)};
  if (!options.node_ip_prefix.empty()) argv.push_back("--node-ip-prefix=" + options.node_ip_prefix);
  if (!options.agent_binary.empty()) argv.push_back("--agent-binary=" + options.agent_binary);
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  const std::string log =
      options.log_path.empty() ? cluster.dir + "/logs/process-kubelet-test.log" : options.log_path;
  auto process = BackgroundProcess::Start(argv, log);
  if (!process.ok()) return nullptr;
  std::unique_ptr<ProcessKubelet> kubelet(new ProcessKubelet(std::move(process), cluster.dir));

  ClusterClients clients = ClientsFor(cluster.kubeconfig);
  if (!clients.dynamic) return nullptr;
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  for (;;) {
    bool all = true;
    for (int n = 1; n <= options.nodes && all; ++n) {
      all = NodeReady(clients, "node-" + std::to_string(n));
    }
    if (all) return kubelet;
    if (!kubelet->Running() || std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "the process kubelet did not bring up " << options.nodes
                    << " Ready nodes; its log (" << log << "):\n"
                    << kubelet->Log();
      kubelet->Crash();
      return nullptr;
    }
    std::this_thread::sleep_for(kPollInterval);  // polling the API for the nodes
  }
}

ProcessKubelet::~ProcessKubelet() {
  if (!stopped_) Stop();
}

bool ProcessKubelet::Stop(std::chrono::seconds timeout) {
  stopped_ = true;
  process_.Signal(SIGTERM);
  auto code = process_.Wait(timeout);
  if (!code) {
    ADD_FAILURE() << "the process kubelet did not stop within " << timeout.count()
                  << "s; killing it";
    process_.Signal(SIGKILL);
    (void)process_.Wait(std::chrono::seconds(10));
    return false;
  }
  return *code == 0;
}

void ProcessKubelet::Crash() {
  stopped_ = true;
  process_.Signal(SIGKILL);
  (void)process_.Wait(std::chrono::seconds(10));
}

std::string ProcessKubelet::NodeRoot(int n) const {
  return cluster_dir_ + "/nodes/node-" + std::to_string(n);
}

}  // namespace drs::testing
