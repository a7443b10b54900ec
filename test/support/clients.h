#pragma once
// dr-syncer's own client stack pointed at a test bed cluster, and a way to
// run the test bed script (mint identities, stop and start components).

#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "kubeclient/discovery.h"
#include "kubeclient/dynamic_client.h"
#include "kubeclient/rest_client.h"
#include "support/testbed.h"

namespace drs::testing {

// A RestClient, Discovery and DynamicClient for one kubeconfig. Owns all three.
struct ClusterClients {
  std::unique_ptr<kubeclient::RestClient> rest;
  std::unique_ptr<kubeclient::Discovery> discovery;
  std::unique_ptr<kubeclient::DynamicClient> dynamic;
};

// Fails the current test (ADD_FAILURE) and returns empty clients if the
// kubeconfig cannot be loaded. QPS/burst are raised so tests are not
// throttled by the client-side limit unless they want to be.
ClusterClients ClientsFor(const std::string& kubeconfig, double qps = 1000, int burst = 2000);

// Runs `scripts/testbed --dir $DRS_TESTBED_DIR ARGS...`; returns its stdout
// (trailing newline trimmed). Fails the test when it exits non-zero.
std::string RunTestbed(const std::vector<std::string>& args);

// The repository's root (for deploy/ manifests).
std::string SourceDir();

// A Namespace object named `name`, created in the cluster behind `clients`.
void CreateNamespace(ClusterClients& clients, const std::string& name);

// Well-known resources.
inline const kube::GroupVersionResource kConfigMaps{"", "v1", "configmaps"};
inline const kube::GroupVersionResource kNamespaces{"", "v1", "namespaces"};
inline const kube::GroupVersionResource kDeployments{"apps", "v1", "deployments"};

}  // namespace drs::testing
