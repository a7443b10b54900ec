// PVC data sync end to end on the test bed (datasync_fixture.h): dr-syncer
// deploys the agents into `source`, where the process kubelet runs them (the
// real sshd and rsync gate), and runs mover Jobs in `dr`, where the process
// kubelet runs the real `dr-syncer-agent pull`. A claim's files arrive in its
// DR copy intact, a second run transfers only the changes and propagates
// deletions, and status and metrics report each run.

#include <filesystem>

#include "e2e/datasync_fixture.h"

namespace drs::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class DataSyncE2eTest : public DataSyncFixture {};

TEST_F(DataSyncE2eTest, ClaimDataArrivesAndTheSecondRunCopiesOnlyChanges) {
  auto syncer = StartDrSyncer("datasync", {"--agent-image=registry.example/dr-syncer-agent:e2e",
                                           "--data-sync-access-delay=3s"});
  EnablePvcSync();
  ASSERT_TRUE(WaitCondition("src", "AgentsReady", "True", "Ready", std::chrono::seconds(120)))
      << RemoteClusterStatus("src") << "\n"
      << AgentObjects() << "\n"
      << syncer.Log();
  const auto rc = source_.dynamic->Get(kRemoteClustersGvr, ns_, "src");
  ASSERT_TRUE(rc.ok());
  EXPECT_EQ((*rc)["status"]["agents"]["desired"], 2);
  EXPECT_EQ((*rc)["status"]["agents"]["ready"], 2);

  // The data: small files, a larger one, nesting, an empty directory, a
  // symlink, modes, a name that is not ASCII.
  Write(SourceData() / "a.txt", "alpha\n");
  Write(SourceData() / "nested/deeper/b.bin", std::string(3 * 1024 * 1024, 'b'));
  Write(SourceData() / "nested/secret.key", "0600 file\n", fs::perms(0600));
  Write(SourceData() / "größe-データ.txt", "unicode\n");
  for (int i = 0; i < 50; ++i) Write(SourceData() / "many" / std::to_string(i), std::to_string(i));
  fs::create_directories(SourceData() / "empty/dir");
  fs::create_symlink("nested/deeper/b.bin", SourceData() / "link-to-b");
  CreateSourceApp();
  if (HasFatalFailure()) return;

  CreateReplication(
      {{"pvcConfig", {{"syncData", true}, {"dataSyncConfig", {{"concurrentSyncs", 1}}}}}});
  ASSERT_TRUE(SyncNow("first")) << syncer.Log();
  ASSERT_TRUE(WaitSynced("", std::chrono::seconds(180))) << ClaimStatus().dump() << "\n"
                                                         << syncer.Log();
  EXPECT_EQ(Tree(DrData()), Tree(SourceData()));
  const json first = ClaimStatus();
  EXPECT_EQ(first.value("namespace", ""), app_ns_);
  EXPECT_EQ(first.value("files", 0), 54) << first.dump();  // every regular file
  EXPECT_GE(first.value("bytes", 0), 3 * 1024 * 1024) << first.dump();
  EXPECT_FALSE(first.value("duration", "").empty()) << first.dump();
  const json replication = Replication();
  std::string synced, reason;
  for (const auto& c : replication["status"]["conditions"]) {
    if (c.value("type", "") == "DataSynced") {
      synced = c.value("status", "");
      reason = c.value("reason", "");
    }
  }
  EXPECT_EQ(synced, "True");
  EXPECT_EQ(reason, "Synced");

  // Metrics report the run for this claim.
  const int port = MetricsPortFromLog(syncer.Log());
  ASSERT_GT(port, 0);
  const std::string labels =
      "{replication=\"" + ns_ + "/app\",claim=\"" + app_ns_ + "/" + kDataSyncClaim + "\"}";
  const std::string metrics = ScrapeMetrics(port);
  EXPECT_EQ(MetricValue(metrics, "drs_pvc_sync_bytes_total" + labels), first.value("bytes", 0))
      << metrics;
  EXPECT_EQ(MetricValue(metrics, "drs_pvc_sync_files_total" + labels), 54);
  EXPECT_GT(MetricValue(metrics, "drs_pvc_sync_last_success_timestamp_seconds" + labels), 0);

  // Change one file, add one, delete one: the second run moves only those.
  Write(SourceData() / "a.txt", "alpha, changed\n");
  Write(SourceData() / "new.txt", "new\n");
  fs::remove(SourceData() / "many/7");
  ASSERT_TRUE(SyncNow("second")) << syncer.Log();
  ASSERT_TRUE(WaitSynced(first.value("lastSyncTime", ""), std::chrono::seconds(120)))
      << ClaimStatus().dump() << "\n"
      << syncer.Log();
  EXPECT_EQ(Tree(DrData()), Tree(SourceData()));
  EXPECT_FALSE(fs::exists(DrData() / "many/7"));
  const json second = ClaimStatus();
  EXPECT_EQ(second.value("files", 0), 2) << second.dump();
  EXPECT_EQ(second.value("bytes", 0),
            static_cast<std::int64_t>(std::string("alpha, changed\nnew\n").size()))
      << second.dump();
  EXPECT_NE(second.value("message", "").find("1 deleted"), std::string::npos) << second.dump();
  EXPECT_EQ(MetricValue(ScrapeMetrics(port), "drs_pvc_sync_files_total" + labels), 56);

  // The superseded Job is cleaned up; the newest stays with its outcome.
  EXPECT_TRUE(PollFor(
      [&] {
        auto jobs = dr_.dynamic->List(kJobsGvr, dr_ns_, {});
        return jobs.ok() && jobs->items.size() == 1;
      },
      std::chrono::seconds(30)));
  // Private keys never reach the log.
  EXPECT_EQ(syncer.Log().find("PRIVATE KEY"), std::string::npos);
}

TEST_F(DataSyncE2eTest, UnmountedClaimsAreReportedOrMountedAndCopiesInUsePause) {
  auto syncer =
      StartDrSyncer("datasync-unmounted", {"--agent-image=registry.example/dr-syncer-agent:e2e",
                                           "--data-sync-access-delay=3s",
                                           "--mount-pod-image=registry.example/pause:e2e"});
  EnablePvcSync();
  ASSERT_TRUE(WaitCondition("src", "AgentsReady", "True", "Ready", std::chrono::seconds(120)))
      << RemoteClusterStatus("src") << "\n"
      << syncer.Log();
  Write(SourceData() / "only.txt", "kept while nobody runs\n");
  CreateClaims();  // no pod uses the claim
  if (HasFatalFailure()) return;
  CreateReplication({{"pvcConfig", {{"syncData", true}}}});
  ASSERT_TRUE(SyncNow("first")) << syncer.Log();
  ASSERT_TRUE(WaitClaim("Skipped", "is not mounted by any running pod", std::chrono::seconds(60)))
      << ClaimStatus().dump() << "\n"
      << syncer.Log();
  EXPECT_TRUE(MountPods().empty());
  EXPECT_FALSE(fs::exists(DrData() / "only.txt"));

  // Allowed to mount it: a temporary pod does, the data is copied, the pod goes.
  auto patched = source_.dynamic->Patch(
      kReplicationsGvr, ns_, "app", kubeclient::PatchType::kMerge,
      {{"spec", {{"pvcConfig", {{"dataSyncConfig", {{"mountUnattachedVolumes", true}}}}}}}});
  ASSERT_TRUE(patched.ok()) << patched.error();
  ASSERT_TRUE(WaitSynced("", std::chrono::seconds(120))) << ClaimStatus().dump() << "\n"
                                                         << syncer.Log();
  EXPECT_EQ(Tree(DrData()), Tree(SourceData()));
  EXPECT_TRUE(PollFor([&] { return MountPods().empty(); }, std::chrono::seconds(30)))
      << "the temporary mount pod was not removed";

  // A workload scaled up in DR mounts the copy: data sync pauses for it.
  CreateDeployment(dr_, dr_ns_);
  if (HasFatalFailure()) return;
  Write(SourceData() / "only.txt", "changed while DR runs\n");
  ASSERT_TRUE(SyncNow("second")) << syncer.Log();
  ASSERT_TRUE(WaitClaim("Skipped", "paused: the DR copy is in use by", std::chrono::seconds(60)))
      << ClaimStatus().dump() << "\n"
      << syncer.Log();
  EXPECT_EQ(ReadAll(DrData() / "only.txt"), "kept while nobody runs\n");

  // PVC sync off: the agents, the cluster's host and controller keys and
  // the agent status go.
  auto off = source_.dynamic->Patch(kRemoteClustersGvr, ns_, "src", kubeclient::PatchType::kMerge,
                                    {{"spec", {{"pvcSync", {{"enabled", false}}}}}});
  ASSERT_TRUE(off.ok()) << off.error();
  EXPECT_TRUE(PollFor(
      [&] {
        auto agent_ns = source_.dynamic->Get(kNamespaces, "", kAgentNamespace);
        return !agent_ns.ok() || kube::IsBeingDeleted(*agent_ns);
      },
      std::chrono::seconds(60)))
      << syncer.Log();
  EXPECT_TRUE(PollFor(
      [&] {
        auto rc = source_.dynamic->Get(kRemoteClustersGvr, ns_, "src");
        if (!rc.ok() || rc->value("status", json::object()).contains("agents")) return false;
        for (const auto& c : (*rc)["status"].value("conditions", json::array())) {
          if (c.value("type", "") == "AgentsReady") return false;
        }
        return true;
      },
      std::chrono::seconds(60)))
      << RemoteClusterStatus("src");
  auto keys = source_.dynamic->List(
      kSecretsGvr, ns_, {.label_selector = "dr-syncer.io/key-role in (host,controller)"});
  ASSERT_TRUE(keys.ok()) << keys.error();
  EXPECT_TRUE(keys->items.empty());
}

}  // namespace
}  // namespace drs::testing
