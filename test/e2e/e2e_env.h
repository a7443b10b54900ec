#pragma once
// What the e2e suites share: the CRDs installed in `source` (the cluster
// dr-syncer runs in), a namespace per test with dr-syncer's documented
// least-privilege Role bound to a ServiceAccount, a kubeconfig for that
// ServiceAccount, and a way to run the dr-syncer binary as it.

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/base64.h"
#include "base/file_util.h"
#include "support/background_process.h"
#include "support/clients.h"

namespace drs::testing {

inline const kube::GroupVersionResource kRemoteClustersGvr{"dr-syncer.io", "v1alpha1",
                                                           "remoteclusters"};
inline const kube::GroupVersionResource kSecretsGvr{"", "v1", "secrets"};
inline const kube::GroupVersionResource kLeasesGvr{"coordination.k8s.io", "v1", "leases"};

inline bool PollFor(const std::function<bool()>& done, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // poll interval
  }
  return true;
}

class DrSyncerEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(Testbed::Load(&bed_, &error)) << error;
    source_ = ClientsFor(bed_.Cluster("source").kubeconfig);
    ASSERT_NE(source_.dynamic, nullptr);
    RunTestbed({"kubectl", "source", "apply", "--server-side", "--force-conflicts", "-f",
                SourceDir() + "/deploy/crds/"});
    RunTestbed({"kubectl", "source", "wait", "--for=condition=Established", "--timeout=60s",
                "crd/remoteclusters.dr-syncer.io"});
    ns_ = UniqueNamespace("e2e");
    CreateNamespace(source_, ns_);
    RunTestbed(
        {"kubectl", "source", "-n", ns_, "apply", "-f", SourceDir() + "/deploy/rbac/role.yaml"});
    sa_kubeconfig_ = RunTestbed({"serviceaccount", "source", ns_, "dr-syncer"});
    RunTestbed({"kubectl", "source", "-n", ns_, "create", "rolebinding", "dr-syncer",
                "--role=dr-syncer", "--serviceaccount=" + ns_ + ":dr-syncer"});
  }

  // The dr cluster's admin kubeconfig in a Secret of the test namespace.
  void PutKubeconfigSecret(const std::string& name, const std::string& bytes) {
    const nlohmann::json secret = {{"apiVersion", "v1"},
                                   {"kind", "Secret"},
                                   {"metadata", {{"name", name}, {"namespace", ns_}}},
                                   {"data", {{"kubeconfig", Base64Encode(bytes)}}}};
    auto r =
        source_.dynamic->Apply(kSecretsGvr, ns_, secret, {.field_manager = "e2e", .force = true});
    ASSERT_TRUE(r.ok()) << r.error();
  }
  std::string DrKubeconfig() {
    auto bytes = ReadFileToString(bed_.Cluster("dr").kubeconfig);
    EXPECT_TRUE(bytes.ok());
    return bytes.ok() ? *bytes : "";
  }

  void CreateRemoteCluster(const std::string& name, const std::string& secret,
                           const std::string& probe_interval = "1s") {
    auto r = source_.dynamic->Create(
        kRemoteClustersGvr, ns_,
        {{"apiVersion", "dr-syncer.io/v1alpha1"},
         {"kind", "RemoteCluster"},
         {"metadata", {{"name", name}, {"namespace", ns_}}},
         {"spec",
          {{"kubeconfigSecretRef", {{"name", secret}}}, {"probeInterval", probe_interval}}}});
    ASSERT_TRUE(r.ok()) << r.error();
  }

  // {status, reason} of a condition of a RemoteCluster, or {"", ""}.
  std::pair<std::string, std::string> ConditionOf(const std::string& name,
                                                  const std::string& type) {
    auto rc = source_.dynamic->Get(kRemoteClustersGvr, ns_, name);
    if (!rc.ok()) return {};
    for (const auto& c : rc->value("status", nlohmann::json::object())
                             .value("conditions", nlohmann::json::array())) {
      if (c.value("type", "") == type) return {c.value("status", ""), c.value("reason", "")};
    }
    return {};
  }
  bool WaitCondition(const std::string& name, const std::string& type, const std::string& status,
                     const std::string& reason,
                     std::chrono::seconds timeout = std::chrono::seconds(30)) {
    return PollFor(
        [&] {
          auto [s, r] = ConditionOf(name, type);
          return s == status && (reason.empty() || r == reason);
        },
        timeout);
  }

  // dr-syncer as the least-privilege ServiceAccount, watching the test namespace.
  BackgroundProcess StartDrSyncer(const std::string& log_name,
                                  std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {DrSyncerBinary(),
                                     "--kubeconfig=" + sa_kubeconfig_,
                                     "--namespace=" + ns_,
                                     "--metrics-bind-address=127.0.0.1:0",
                                     "--health-probe-bind-address=127.0.0.1:0",
                                     "--log-level=debug"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return BackgroundProcess::Start(
        argv, bed_.Cluster("source").dir + "/../../" + ns_ + "-" + log_name + ".log");
  }

  Testbed bed_;
  ClusterClients source_;
  std::string ns_;
  std::string sa_kubeconfig_;
};

}  // namespace drs::testing

namespace drs::testing {

// The metrics port a dr-syncer process logged ("serving ... metrics_port=N"), or 0.
inline int MetricsPortFromLog(const std::string& log) {
  const std::string key = "metrics_port=";
  const auto at = log.find(key);
  return at == std::string::npos ? 0 : std::atoi(log.c_str() + at + key.size());
}

// GET http://127.0.0.1:port/metrics, or "" on failure.
inline std::string ScrapeMetrics(int port) {
  kubeclient::RestConfig config{.server = "http://127.0.0.1:" + std::to_string(port)};
  auto client =
      kubeclient::RestClient::Create(std::move(config), RealClock::Get(), {.max_retries = 0});
  if (!client.ok()) return "";
  auto r = (*client)->Send({.path = "/metrics", .accept = "text/plain"});
  return r.ok() ? r->body : "";
}

// The value of the sample whose line starts with `series` (name{labels}), or -1.
inline double MetricValue(const std::string& text, const std::string& series) {
  std::size_t pos = 0;
  while ((pos = text.find(series, pos)) != std::string::npos) {
    if ((pos == 0 || text[pos - 1] == '\n') && text.size() > pos + series.size() &&
        text[pos + series.size()] == ' ') {
      return std::atof(text.c_str() + pos + series.size() + 1);
    }
    pos += series.size();
  }
  return -1;
}

}  // namespace drs::testing
