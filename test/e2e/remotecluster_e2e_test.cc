// The dr-syncer binary, running as a least-privilege ServiceAccount,
// connects RemoteClusters to the `dr` cluster and tells users what is wrong
// when their kubeconfig Secret is missing, broken or incomplete.

#include <signal.h>

#include <fstream>

#include <gmock/gmock.h>

#include "e2e/e2e_env.h"

namespace drs::testing {
namespace {

using ::testing::Contains;

class RemoteClusterE2ETest : public DrSyncerEnv {};

TEST_F(RemoteClusterE2ETest, BecomesReadyAndFollowsItsSecret) {
  PutKubeconfigSecret("dr-kc", DrKubeconfig());
  CreateRemoteCluster("dr", "dr-kc", "1s");
  auto syncer = StartDrSyncer("follow");
  ASSERT_TRUE(syncer.ok());
  ASSERT_TRUE(WaitCondition("dr", "Ready", "True", "Ready")) << syncer.Log();
  EXPECT_EQ(ConditionOf("dr", "Reachable"),
            std::make_pair(std::string("True"), std::string("Connected")));
  auto rc = source_.dynamic->Get(kRemoteClustersGvr, ns_, "dr");
  ASSERT_TRUE(rc.ok());
  EXPECT_EQ(rc->at("status").at("serverVersion"), bed_.kubernetes_version());
  EXPECT_THAT(rc->at("metadata").at("finalizers"), Contains("dr-syncer.io/remotecluster"));

  // The Secret disappears: not Ready, and the reason says why.
  ASSERT_TRUE(source_.dynamic->Delete(kSecretsGvr, ns_, "dr-kc").ok());
  EXPECT_TRUE(WaitCondition("dr", "Ready", "False", "SecretNotFound")) << syncer.Log();
  EXPECT_EQ(ConditionOf("dr", "KubeconfigValid").second, "SecretNotFound");
  EXPECT_EQ(ConditionOf("dr", "Reachable").first, "Unknown");

  // Garbage under the key.
  PutKubeconfigSecret("dr-kc", "this: [is not a kubeconfig");
  EXPECT_TRUE(WaitCondition("dr", "Ready", "False", "KubeconfigInvalid")) << syncer.Log();

  // Fixed, without restarting anything.
  PutKubeconfigSecret("dr-kc", DrKubeconfig());
  EXPECT_TRUE(WaitCondition("dr", "Ready", "True", "Ready")) << syncer.Log();

  // Events tell the story.
  auto events = source_.dynamic->List({"", "v1", "events"}, ns_,
                                      {.field_selector = "involvedObject.name=dr"});
  ASSERT_TRUE(events.ok());
  std::vector<std::string> reasons;
  for (const auto& e : events->items) reasons.push_back(e.value("reason", ""));
  EXPECT_THAT(reasons, Contains("Ready"));
  EXPECT_THAT(reasons, Contains("SecretNotFound"));

  // Deleting the RemoteCluster runs the finalizer.
  ASSERT_TRUE(source_.dynamic->Delete(kRemoteClustersGvr, ns_, "dr").ok());
  EXPECT_TRUE(PollFor(
      [&] {
        auto r = source_.dynamic->Get(kRemoteClustersGvr, ns_, "dr");
        return !r.ok() && r.error().code() == ErrorCode::kNotFound;
      },
      std::chrono::seconds(20)))
      << syncer.Log();

  syncer.Signal(SIGTERM);
  EXPECT_EQ(syncer.Wait(std::chrono::seconds(10)), 0) << syncer.Log();
  // Secrets never reach the log.
  const std::string token_marker = "client-key-data";
  EXPECT_EQ(syncer.Log().find(token_marker), std::string::npos);
}

TEST_F(RemoteClusterE2ETest, MissingKeyAndUnreadableKubeconfigReasons) {
  // A Secret without the expected key.
  const nlohmann::json secret = {{"apiVersion", "v1"},
                                 {"kind", "Secret"},
                                 {"metadata", {{"name", "wrong-key"}, {"namespace", ns_}}},
                                 {"data", {{"config", Base64Encode(DrKubeconfig())}}}};
  ASSERT_TRUE(source_.dynamic->Create(kSecretsGvr, ns_, secret).ok());
  CreateRemoteCluster("keyless", "wrong-key", "1s");
  auto syncer = StartDrSyncer("keys");
  ASSERT_TRUE(syncer.ok());
  EXPECT_TRUE(WaitCondition("keyless", "KubeconfigValid", "False", "KeyMissing")) << syncer.Log();
  auto rc = source_.dynamic->Get(kRemoteClustersGvr, ns_, "keyless");
  ASSERT_TRUE(rc.ok());
  EXPECT_NE(rc->at("status").value("message", "").find("keys: config"), std::string::npos);
}

TEST_F(RemoteClusterE2ETest, MetricsAndBoundedStatusWritesWhileIdle) {
  PutKubeconfigSecret("dr-kc", DrKubeconfig());
  CreateRemoteCluster("dr", "dr-kc", "5s");
  auto syncer = StartDrSyncer("idle");
  ASSERT_TRUE(syncer.ok());
  ASSERT_TRUE(WaitCondition("dr", "Ready", "True", "Ready")) << syncer.Log();
  const int port = MetricsPortFromLog(syncer.Log());
  ASSERT_GT(port, 0) << syncer.Log();

  const std::string reconciles =
      "controller_runtime_reconcile_total{controller=\"remotecluster\",result=\"requeue_after\"}";
  std::string before = ScrapeMetrics(port);
  ASSERT_FALSE(before.empty());
  EXPECT_EQ(MetricValue(before, "drs_remote_cluster_ready{remotecluster=\"" + ns_ + "/dr\"}"), 1);
  EXPECT_GT(MetricValue(before, "workqueue_adds_total{name=\"remotecluster\"}"), 0);
  EXPECT_GT(MetricValue(before, "process_resident_memory_bytes"), 0);
  EXPECT_NE(before.find("rest_client_requests_total{cluster=\"local\""), std::string::npos);
  // Requests to the remote cluster are counted under its own label.
  EXPECT_NE(before.find("rest_client_requests_total{cluster=\"" + ns_ + "/dr\""),
            std::string::npos);
  EXPECT_NE(before.find("dr_syncer_build_info{"), std::string::npos);

  const auto status_writes = [&] {
    std::ifstream audit(bed_.Cluster("source").audit_log);
    int n = 0;
    for (std::string line; std::getline(audit, line);) {
      auto e = nlohmann::json::parse(line, nullptr, false);
      if (!e.is_object() || e.value("stage", "") != "ResponseComplete") continue;
      const auto ref = e.value("objectRef", nlohmann::json::object());
      if (e["user"].value("username", "") == "system:serviceaccount:" + ns_ + ":dr-syncer" &&
          ref.value("resource", "") == "remoteclusters" &&
          ref.value("subresource", "") == "status" && e.value("verb", "") != "get") {
        ++n;
      }
    }
    return n;
  };
  const int writes_before = status_writes();
  const double reconciles_before = MetricValue(before, reconciles);
  // A minute of idling: nothing changes, so nothing is written but the
  // probes go on.
  std::this_thread::sleep_for(std::chrono::seconds(60));  // the observation window itself
  const std::string after = ScrapeMetrics(port);
  const int writes = status_writes() - writes_before;
  const double probes = MetricValue(after, reconciles) - reconciles_before;
  EXPECT_LE(writes, 1) << "status writes in a quiet minute (the heartbeat allows one)";
  EXPECT_GE(probes, 8) << "probes every 5s should continue";
  EXPECT_LE(probes, 14) << "no hot loop: about one reconcile per probe interval";
  RecordProperty("status_writes_per_idle_minute", writes);
  RecordProperty("reconciles_per_idle_minute", static_cast<int>(probes));
  syncer.Signal(SIGTERM);
  EXPECT_EQ(syncer.Wait(std::chrono::seconds(10)), 0) << syncer.Log();
}

}  // namespace
}  // namespace drs::testing
