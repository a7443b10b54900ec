#include "support/clients.h"

#include <cstdio>
#include <cstdlib>

#include <gtest/gtest.h>

#include "base/subprocess.h"
#include "kubeclient/kubeconfig.h"

namespace drs::testing {

ClusterClients ClientsFor(const std::string& kubeconfig, double qps, int burst) {
  ClusterClients c;
  auto config = kubeclient::LoadKubeconfigFile(kubeconfig, "");
  if (!config.ok()) {
    ADD_FAILURE() << "loading " << kubeconfig << ": " << config.error();
    return c;
  }
  config->qps = qps;
  config->burst = burst;
  auto rest = kubeclient::RestClient::Create(std::move(config).value(), RealClock::Get());
  if (!rest.ok()) {
    ADD_FAILURE() << rest.error();
    return c;
  }
  c.rest = std::move(rest).value();
  c.discovery = std::make_unique<kubeclient::Discovery>(*c.rest, RealClock::Get());
  c.dynamic = std::make_unique<kubeclient::DynamicClient>(*c.rest);
  return c;
}

std::string RunTestbed(const std::vector<std::string>& args) {
  const char* dir = std::getenv("DRS_TESTBED_DIR");
  ProcessSpec spec;
  spec.argv = {std::string(DRS_SOURCE_DIR) + "/scripts/testbed", "--dir", dir ? dir : ""};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.timeout = std::chrono::minutes(3);
  auto result = RunProcess(spec, {});
  if (!result.ok()) {
    ADD_FAILURE() << "scripts/testbed: " << result.error();
    return {};
  }
  if (result->exit_code != 0) {
    ADD_FAILURE() << "scripts/testbed exited " << result->exit_code << ": " << result->stderr_data;
  }
  std::string out = result->stdout_data;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string SourceDir() { return DRS_SOURCE_DIR; }

void CreateNamespace(ClusterClients& clients, const std::string& name) {
  auto created = clients.dynamic->Create(
      kNamespaces, "",
      {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}});
  ASSERT_TRUE(created.ok()) << created.error();
}

}  // namespace drs::testing
