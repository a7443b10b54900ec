// Object sync end to end: the dr-syncer binary copies a sample application
// from `source` to `dr` through RemoteClusters, dormant and rewritten for
// DR; a manual trigger runs exactly one sync; a no-change cycle writes
// nothing; hand edits are restored; pruning and its guard; and dr-syncer
// never writes to the source cluster.

#include <signal.h>

#include <fstream>
#include <regex>

#include <gmock/gmock.h>

#include "base/test_temp_dir.h"
#include "e2e/replication_fixture.h"
#include "kube/object.h"

namespace drs::testing {
namespace {

using nlohmann::json;

const kube::GroupVersionResource kCm{"", "v1", "configmaps"};
const kube::GroupVersionResource kSecret{"", "v1", "secrets"};
const kube::GroupVersionResource kSvc{"", "v1", "services"};
const kube::GroupVersionResource kPvc{"", "v1", "persistentvolumeclaims"};
const kube::GroupVersionResource kDeploy{"apps", "v1", "deployments"};
const kube::GroupVersionResource kSts{"apps", "v1", "statefulsets"};
const kube::GroupVersionResource kIngress{"networking.k8s.io", "v1", "ingresses"};
const kube::GroupVersionResource kCronJob{"batch", "v1", "cronjobs"};
const kube::GroupVersionResource kRoleBinding{"rbac.authorization.k8s.io", "v1", "rolebindings"};

class ReplicationE2ETest : public ReplicationFixture {
 protected:
  void DeploySample() {
    std::ifstream in(SourceDir() + "/deploy/samples/shop.yaml");
    std::string yaml(std::istreambuf_iterator<char>(in), {});
    yaml = std::regex_replace(yaml, std::regex("SOURCE_NS"), app_ns_);
    const std::string path = dir_.path() + "/shop.yaml";
    std::ofstream(path) << yaml;
    RunTestbed({"kubectl", "source", "-n", app_ns_, "apply", "-f", path});
  }
  test::TempDir dir_;
};

TEST_F(ReplicationE2ETest, CopiesTheAppDormantAndRewrittenAndNeverWritesToTheSource) {
  DeploySample();
  std::size_t source_cursor = 0;
  Writes("source", reader_, &source_cursor);
  CreateReplication(
      {{"pvcConfig",
        {{"storageClassMappings", json::array({{{"from", "fast"}, {"to", "standard"}}})}}},
       {"prune", {{"enabled", true}, {"maxDeletePercent", 50}}}});
  auto syncer = StartDrSyncer("repl");
  ASSERT_TRUE(syncer.ok());
  ASSERT_TRUE(PollFor([&] { return Phase() == "Synced"; }, std::chrono::seconds(60)))
      << Replication().dump(2) << syncer.Log();

  // Workloads dormant, counts remembered.
  const json web = Dr(kDeploy, "web");
  ASSERT_TRUE(web.is_object());
  EXPECT_EQ(web["spec"]["replicas"], 0);
  EXPECT_EQ(web["metadata"]["annotations"]["dr-syncer.io/original-replicas"], "3");
  EXPECT_EQ(web["metadata"]["labels"]["app.kubernetes.io/managed-by"], "dr-syncer");
  EXPECT_EQ(Dr(kSts, "db")["spec"]["replicas"], 0);
  EXPECT_EQ(Dr(kCronJob, "nightly-report")["spec"]["suspend"], true);
  // Services: DR-allocated IPs, headless kept headless.
  EXPECT_EQ(Dr(kSvc, "db")["spec"]["clusterIP"], "None");
  const json api = Dr(kSvc, "api");
  EXPECT_EQ(api["spec"]["ports"][0]["port"], 8080);
  EXPECT_TRUE(api["spec"]["clusterIP"].is_string()) << "allocated by dr, never copied";
  EXPECT_EQ(api["metadata"]["annotations"]["dr-syncer.io/source"], "src/" + app_ns_ + "/api");
  EXPECT_EQ(Dr(kSvc, "web-nodeport")["spec"]["type"], "NodePort");
  // Ingress whole.
  const json ing = Dr(kIngress, "web");
  EXPECT_EQ(ing["spec"]["ingressClassName"], "nginx");
  EXPECT_EQ(ing["spec"]["rules"][0]["host"], "shop.example.com");
  EXPECT_EQ(ing["metadata"]["annotations"]["example.com/rewrite"], "/");
  // References to the source namespace rewritten.
  EXPECT_EQ(Dr(kCm, "shop-config")["data"]["api_url"],
            "http://api." + dr_ns_ + ".svc.cluster.local:8080/v1");
  EXPECT_EQ(Dr(kDeploy, "web")["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"],
            "http://api." + dr_ns_ + ".svc:8080");
  EXPECT_EQ(Dr(kRoleBinding, "shop-view")["subjects"][0]["namespace"], dr_ns_);
  // PVC mapped, unbound.
  const json pvc = Dr(kPvc, "shop-data");
  EXPECT_EQ(pvc["spec"]["storageClassName"], "standard");
  EXPECT_FALSE(pvc["spec"].contains("volumeName"));
  // Secrets carried; ignored and cluster-made objects not.
  auto src_secret = source_.dynamic->Get(kSecret, app_ns_, "shop-db");
  ASSERT_TRUE(src_secret.ok());
  EXPECT_EQ(Dr(kSecret, "shop-db")["data"], src_secret->at("data"));
  EXPECT_TRUE(Dr(kCm, "scratch").is_null());
  // dr's own controller-manager makes kube-root-ca.crt in every namespace,
  // asynchronously; once it is there it must not be ours.
  ASSERT_TRUE(
      PollFor([&] { return Dr(kCm, "kube-root-ca.crt").is_object(); }, std::chrono::seconds(30)));
  EXPECT_FALSE(kube::Labels(Dr(kCm, "kube-root-ca.crt")).count("app.kubernetes.io/managed-by"));

  // Status.
  const json status = Replication()["status"];
  EXPECT_EQ(status["counts"]["failed"], 0) << status.dump(2);
  EXPECT_GE(status["counts"]["created"], 12);
  EXPECT_THAT(status["conditions"].dump(), ::testing::HasSubstr("\"Ready\""));

  // A no-change cycle writes nothing to DR.
  std::size_t dr_cursor = 0;
  Writes("dr", writer_, &dr_cursor);
  ASSERT_TRUE(SyncNow("no-change"));
  EXPECT_EQ(Writes("dr", writer_, &dr_cursor), 0);
  EXPECT_EQ(Replication()["status"]["counts"]["updated"], 0);

  // A hand edit of a DR copy is restored; a source change arrives.
  ASSERT_TRUE(dr_.dynamic
                  ->Patch(kCm, dr_ns_, "shop-config", kubeclient::PatchType::kMerge,
                          {{"data", {{"greeting", "edited in DR"}}}})
                  .ok());
  ASSERT_TRUE(source_.dynamic
                  ->Patch(kDeploy, app_ns_, "web", kubeclient::PatchType::kMerge,
                          {{"spec", {{"replicas", 5}}}})
                  .ok());
  ASSERT_TRUE(SyncNow("drift"));
  EXPECT_EQ(Dr(kCm, "shop-config")["data"]["greeting"], "hello");
  EXPECT_EQ(Dr(kDeploy, "web")["metadata"]["annotations"]["dr-syncer.io/original-replicas"], "5");
  EXPECT_EQ(Dr(kDeploy, "web")["spec"]["replicas"], 0);

  // The same token again runs nothing.
  const json before = Replication()["status"]["lastSyncTime"];
  ASSERT_TRUE(source_.dynamic
                  ->Patch(kReplicationsGvr, ns_, "app", kubeclient::PatchType::kMerge,
                          {{"metadata", {{"labels", {{"touched", "yes"}}}}}})
                  .ok());
  std::this_thread::sleep_for(std::chrono::seconds(2));  // observation window: nothing may happen
  EXPECT_EQ(Replication()["status"]["lastSyncTime"], before);

  // Prune: one source object gone -> its copy goes.
  ASSERT_TRUE(source_.dynamic->Delete(kCm, app_ns_, "shop-config").ok());
  ASSERT_TRUE(SyncNow("prune-one"));
  EXPECT_TRUE(Dr(kCm, "shop-config").is_null());

  // A mass delete in the source is held back by the guard.
  for (const auto& [gvr, name] :
       std::vector<std::pair<kube::GroupVersionResource, std::string>>{{kDeploy, "web"},
                                                                       {kSts, "db"},
                                                                       {kSvc, "api"},
                                                                       {kSvc, "db"},
                                                                       {kSvc, "web-nodeport"},
                                                                       {kIngress, "web"},
                                                                       {kCronJob, "nightly-report"},
                                                                       {kSecret, "shop-db"}}) {
    ASSERT_TRUE(source_.dynamic->Delete(gvr, app_ns_, name).ok()) << name;
  }
  ASSERT_TRUE(SyncNow("mass-delete"));
  EXPECT_EQ(Phase(), "Degraded");
  EXPECT_THAT(Replication()["status"]["message"].get<std::string>(),
              ::testing::HasSubstr("maxDeletePercent"));
  EXPECT_TRUE(Dr(kDeploy, "web").is_object()) << "the guard must keep the DR copies";

  // dr-syncer only ever read the source cluster.
  EXPECT_EQ(Writes("source", reader_, &source_cursor), 0);
  syncer.Signal(SIGTERM);
  EXPECT_EQ(syncer.Wait(std::chrono::seconds(10)), 0) << syncer.Log();
  EXPECT_EQ(syncer.Log().find("not-a-real-password"), std::string::npos);
}

}  // namespace
}  // namespace drs::testing

namespace drs::testing {
namespace {

TEST_F(ReplicationE2ETest, ContinuousModeCarriesEachSourceChangeWithinSeconds) {
  DeploySample();
  CreateReplication({{"replicationMode", "Continuous"},
                     {"continuous", {{"debounce", "200ms"}}},
                     {"prune", {{"enabled", true}}}});
  auto syncer = StartDrSyncer("continuous");
  ASSERT_TRUE(syncer.ok());
  ASSERT_TRUE(PollFor([&] { return Phase() == "Synced"; }, std::chrono::seconds(60)))
      << syncer.Log();

  // A change in the source arrives without any trigger.
  const auto changed = std::chrono::steady_clock::now();
  ASSERT_TRUE(source_.dynamic
                  ->Patch(kCm, app_ns_, "shop-config", kubeclient::PatchType::kMerge,
                          {{"data", {{"greeting", "continuous"}}}})
                  .ok());
  ASSERT_TRUE(PollFor([&] { return Dr(kCm, "shop-config")["data"]["greeting"] == "continuous"; },
                      std::chrono::seconds(15)))
      << syncer.Log();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - changed).count();
  RecordProperty("source_to_dr_seconds", std::to_string(seconds));
  EXPECT_LT(seconds, 5.0);
  // It came by the targeted path: the namespace was synced once, at the
  // start (each full sync logs "sync starting" before it lists anything).
  const auto full_syncs = [&] {
    const std::string log = syncer.Log();
    int n = 0;
    for (auto at = log.find("sync starting"); at != std::string::npos;
         at = log.find("sync starting", at + 1)) {
      ++n;
    }
    return n;
  };
  EXPECT_EQ(full_syncs(), 1) << syncer.Log();

  // A new object and a deletion arrive too.
  ASSERT_TRUE(source_.dynamic
                  ->Create(kCm, app_ns_,
                           {{"apiVersion", "v1"},
                            {"kind", "ConfigMap"},
                            {"metadata", {{"name", "late"}}},
                            {"data", {{"k", "v"}}}})
                  .ok());
  EXPECT_TRUE(PollFor([&] { return Dr(kCm, "late").is_object(); }, std::chrono::seconds(15)));
  ASSERT_TRUE(source_.dynamic->Delete(kCm, app_ns_, "late").ok());
  EXPECT_TRUE(PollFor([&] { return Dr(kCm, "late").is_null(); }, std::chrono::seconds(15)))
      << syncer.Log();
  syncer.Signal(SIGTERM);
  EXPECT_EQ(syncer.Wait(std::chrono::seconds(10)), 0) << syncer.Log();
}

}  // namespace
}  // namespace drs::testing
