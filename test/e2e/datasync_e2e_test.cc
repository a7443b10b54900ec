// PVC data sync end to end on the test bed (datasync_fixture.h): dr-syncer
// deploys the agents into `source`, where the process kubelet runs them (the
// real sshd and rsync gate), and runs mover Jobs in `dr`, where the process
// kubelet runs the real `dr-syncer-agent pull`. A claim's files arrive in its
// DR copy intact, a run with nothing changed skips its transfer
// (skipUnchanged), the next one transfers only the changes and propagates
// deletions, and status and metrics report each run.

#include <filesystem>

#include "base/tree_digest.h"
#include "e2e/datasync_fixture.h"

namespace drs::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class DataSyncE2eTest : public DataSyncFixture {
 protected:
  // The claim's mover Job created at `created_at` (its lastSyncTime), or null.
  json MoverJobCreatedAt(const std::string& created_at) {
    auto jobs = dr_.dynamic->List(kJobsGvr, dr_ns_, {});
    if (!jobs.ok()) return nullptr;
    for (const auto& j : jobs->items) {
      if (kube::Annotations(j)["dr-syncer.io/created-at"] == created_at) return j;
    }
    return nullptr;
  }

  // The mover container's termination message of the Job's pod, parsed
  // (null when there is none yet).
  json TerminationMessage(const std::string& job) {
    auto pods = dr_.dynamic->List(kPodsGvr, dr_ns_, {.label_selector = "job-name=" + job});
    if (!pods.ok()) return nullptr;
    for (const auto& p : pods->items) {
      for (const auto& c : p["status"].value("containerStatuses", json::array())) {
        if (c.value("name", "") != "mover") continue;
        const std::string text = c.value("state", json::object())
                                     .value("terminated", json::object())
                                     .value("message", "");
        auto parsed = json::parse(text, nullptr, false);
        if (parsed.is_object()) return parsed;
      }
    }
    return nullptr;
  }

  static bool HasArg(const json& job, const std::string& arg) {
    const json::json_pointer args("/spec/template/spec/containers/0/args");
    for (const auto& a : job.value(args, json::array())) {
      if (a == arg) return true;
    }
    return false;
  }
};

// A claim status' digest, when it is one.
bool HasDigest(const json& status, const std::string& field) {
  return IsTreeDigestValue(status.value(field, ""));
}

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
  // AgentsReady is True only once every ready agent answered the
  // controller's ssh health check (dr-syncer-health, the controller key).
  EXPECT_EQ((*rc)["status"]["agents"]["reachable"], 2) << RemoteClusterStatus("src");

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
  // skipUnchanged is on by default: the first run recorded both trees' digests.
  EXPECT_TRUE(HasDigest(first, "sourceDigest")) << first.dump();
  EXPECT_TRUE(HasDigest(first, "destinationDigest")) << first.dump();

  // Nothing changed: the next sync checks both trees and skips the transfer.
  ASSERT_TRUE(SyncNow("unchanged")) << syncer.Log();
  ASSERT_TRUE(WaitSynced(first.value("lastSyncTime", ""), std::chrono::seconds(120)))
      << ClaimStatus().dump() << "\n"
      << syncer.Log();
  const json unchanged = ClaimStatus();
  // 3 MiB and a few hundred bytes in 54 files.
  EXPECT_EQ(unchanged.value("message", ""),
            "unchanged since the last sync: 54 files, 3.0 MiB checked, nothing transferred")
      << unchanged.dump();
  EXPECT_EQ(unchanged.value("files", 0), 0) << unchanged.dump();
  EXPECT_EQ(unchanged.value("bytes", 0), 0) << unchanged.dump();
  EXPECT_TRUE(HasDigest(unchanged, "sourceDigest")) << unchanged.dump();
  EXPECT_TRUE(HasDigest(unchanged, "destinationDigest")) << unchanged.dump();
  EXPECT_EQ(Tree(DrData()), Tree(SourceData()));
  // The mover got the first run's digests and said it skipped.
  const json unchanged_job = MoverJobCreatedAt(unchanged.value("lastSyncTime", ""));
  ASSERT_FALSE(unchanged_job.is_null()) << unchanged.dump();
  EXPECT_TRUE(HasArg(unchanged_job, "--skip-unchanged")) << unchanged_job.dump();
  EXPECT_TRUE(HasArg(unchanged_job,
                     "--previous-source-digest=" + first.value("sourceDigest", std::string("-"))))
      << unchanged_job.dump();
  EXPECT_TRUE(HasArg(unchanged_job, "--previous-destination-digest=" +
                                        first.value("destinationDigest", std::string("-"))))
      << unchanged_job.dump();
  const json message = TerminationMessage(kube::Name(unchanged_job));
  ASSERT_TRUE(message.is_object()) << kube::Name(unchanged_job);
  EXPECT_EQ(message.value("result", ""), "Succeeded") << message.dump();
  EXPECT_EQ(message.value("unchanged", false), true) << message.dump();
  EXPECT_EQ(message.value("filesTransferred", -1), 0) << message.dump();
  EXPECT_EQ(message.value("filesTotal", -1), 54) << message.dump();
  EXPECT_EQ(message.value("sourceDigest", ""), unchanged.value("sourceDigest", ""));
  EXPECT_EQ(message.value("destinationDigest", ""), unchanged.value("destinationDigest", ""));
  EXPECT_EQ(MetricValue(ScrapeMetrics(port), "drs_pvc_sync_unchanged_total" + labels), 1);

  // Change one file, add one, delete one: the next run moves only those.
  Write(SourceData() / "a.txt", "alpha, changed\n");
  Write(SourceData() / "new.txt", "new\n");
  fs::remove(SourceData() / "many/7");
  ASSERT_TRUE(SyncNow("second")) << syncer.Log();
  ASSERT_TRUE(WaitSynced(unchanged.value("lastSyncTime", ""), std::chrono::seconds(120)))
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
  // New digests for the changed trees, for the run after.
  EXPECT_TRUE(HasDigest(second, "sourceDigest")) << second.dump();
  EXPECT_NE(second.value("sourceDigest", ""), unchanged.value("sourceDigest", ""));
  EXPECT_NE(second.value("destinationDigest", ""), unchanged.value("destinationDigest", ""));
  const std::string after = ScrapeMetrics(port);
  EXPECT_EQ(MetricValue(after, "drs_pvc_sync_files_total" + labels), 56);
  EXPECT_EQ(MetricValue(after, "drs_pvc_sync_unchanged_total" + labels), 1);

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
