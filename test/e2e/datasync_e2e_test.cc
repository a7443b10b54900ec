// PVC data sync end to end on the test bed: dr-syncer (as its least-privilege
// ServiceAccount plus the key Secret rights data sync needs) deploys the
// agents into `source`, where the process kubelet runs them (the real sshd
// and rsync gate), and runs mover Jobs in `dr`, where the process kubelet
// runs the real `dr-syncer-agent pull`. A claim's files arrive in its DR
// copy intact, a second run transfers only the changes and propagates
// deletions, and status and metrics report each run.

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "e2e/replication_fixture.h"
#include "kube/object.h"
#include "support/process_kubelet.h"

namespace drs::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const kube::GroupVersionResource kPvs{"", "v1", "persistentvolumes"};
const kube::GroupVersionResource kPvcs{"", "v1", "persistentvolumeclaims"};
const kube::GroupVersionResource kPods{"", "v1", "pods"};
const kube::GroupVersionResource kJobs{"batch", "v1", "jobs"};
constexpr char kStorageClass[] = "testbed-e2e";
constexpr char kClaim[] = "data";
constexpr char kAgentNamespace[] = "dr-syncer-agent";

// One entry of a directory tree as the comparison sees it: type, mode,
// size, content or link target.
struct Entry {
  char type = '?';
  unsigned mode = 0;
  std::string content;
  friend bool operator==(const Entry&, const Entry&) = default;
};

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The mover's scratch names (docs/data-sync.md) are not part of the data.
std::map<std::string, Entry> Tree(const fs::path& root) {
  std::map<std::string, Entry> out;
  if (!fs::exists(root)) return out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const std::string name = it->path().filename().string();
    if (name.starts_with(".dr-syncer-")) {
      if (it->is_directory() && !it->is_symlink()) it.disable_recursion_pending();
      continue;
    }
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    Entry e;
    e.mode = st.st_mode & 07777;
    if (S_ISLNK(st.st_mode)) {
      e.type = 'l';
      e.mode = 0;  // link modes are not kept by any file system that matters
      e.content = fs::read_symlink(it->path()).string();
    } else if (S_ISDIR(st.st_mode)) {
      e.type = 'd';
    } else if (S_ISREG(st.st_mode)) {
      e.type = 'f';
      e.content = ReadAll(it->path());
    }
    out[fs::relative(it->path(), root).string()] = std::move(e);
  }
  return out;
}

void Write(const fs::path& p, const std::string& content, fs::perms mode = fs::perms(0644)) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
  fs::permissions(p, mode);
}

class DataSyncE2eTest : public ReplicationFixture {
 protected:
  void SetUp() override {
    ReplicationFixture::SetUp();
    if (HasFatalFailure()) return;
    source_pv_ = "pv-" + app_ns_;
    dr_pv_ = "pv-" + app_ns_ + "-dr";
    // A clean agent namespace: an earlier run's may still be going away.
    RunTestbed({"kubectl", "source", "delete", "namespace", kAgentNamespace, "--ignore-not-found",
                "--timeout=120s"});
    GrantDataSyncRights();
    source_kubelet_ = ProcessKubelet::Start(bed_.Cluster("source"), {.nodes = 2});
    ASSERT_NE(source_kubelet_, nullptr);
    dr_kubelet_ = ProcessKubelet::Start(bed_.Cluster("dr"), {.nodes = 1});  // movers only
    ASSERT_NE(dr_kubelet_, nullptr);
  }

  void TearDown() override {
    // Remove the agents while their kubelet still runs, so their pods can end.
    if (source_kubelet_) {
      RunTestbed({"kubectl", "source", "delete", "namespace", kAgentNamespace, "--ignore-not-found",
                  "--timeout=120s"});
      source_kubelet_->Stop();
    }
    if (dr_kubelet_) dr_kubelet_->Stop();
  }

  // Data sync's rights beyond the documented object-sync ones (see
  // docs/data-sync-controller.md, "Permissions").
  void GrantDataSyncRights() {
    // dr-syncer in the controller cluster needs nothing beyond
    // deploy/rbac/role.yaml (the key Secrets are in its Secrets rule).
    // The source identity: the agents' namespace and objects.
    const std::string role = "drs-agents-" + app_ns_;
    RunTestbed({"kubectl", "source", "create", "clusterrole", role,
                "--verb=get,list,create,patch,delete",
                "--resource=namespaces,serviceaccounts,secrets,daemonsets.apps,pods"});
    RunTestbed({"kubectl", "source", "create", "clusterrolebinding", role, "--clusterrole=" + role,
                "--user=" + reader_});
  }

  void EnablePvcSync() {
    auto r = source_.dynamic->Patch(
        kRemoteClustersGvr, ns_, "src", kubeclient::PatchType::kMerge,
        {{"spec", {{"pvcSync", {{"enabled", true}, {"agent", {{"sshPort", 2222}}}}}}}});
    ASSERT_TRUE(r.ok()) << r.error();
  }

  std::string RemoteClusterStatus(const std::string& name) {
    auto rc = source_.dynamic->Get(kRemoteClustersGvr, ns_, name);
    return rc.ok() ? rc->value("status", json::object()).dump(2) : rc.error().ToString();
  }

  static json Pv(const std::string& name, const json& claim_ref) {
    json pv = {{"apiVersion", "v1"},
               {"kind", "PersistentVolume"},
               {"metadata", {{"name", name}}},
               {"spec",
                {{"capacity", {{"storage", "1Gi"}}},
                 {"accessModes", json::array({"ReadWriteOnce"})},
                 {"persistentVolumeReclaimPolicy", "Retain"},
                 {"storageClassName", kStorageClass},
                 {"csi", {{"driver", "testbed.dr-syncer.io"}, {"volumeHandle", name}}}}}};
    if (!claim_ref.is_null()) pv["spec"]["claimRef"] = claim_ref;
    return pv;
  }

  // The source claim, bound to a PV of its own, and the PV its DR copy
  // will bind to.
  void CreateClaims() {
    auto pv = source_.dynamic->Create(kPvs, "", Pv(source_pv_, json()));
    ASSERT_TRUE(pv.ok()) << pv.error();
    json claim = {{"apiVersion", "v1"},
                  {"kind", "PersistentVolumeClaim"},
                  {"metadata", {{"name", kClaim}, {"namespace", app_ns_}}},
                  {"spec",
                   {{"accessModes", json::array({"ReadWriteOnce"})},
                    {"storageClassName", kStorageClass},
                    {"volumeName", source_pv_},
                    {"resources", {{"requests", {{"storage", "1Gi"}}}}}}}};
    auto c = source_.dynamic->Create(kPvcs, app_ns_, claim);
    ASSERT_TRUE(c.ok()) << c.error();
    auto dr_pv = dr_.dynamic->Create(kPvs, "",
                                     Pv(dr_pv_, {{"apiVersion", "v1"},
                                                 {"kind", "PersistentVolumeClaim"},
                                                 {"namespace", dr_ns_},
                                                 {"name", kClaim}}));
    ASSERT_TRUE(dr_pv.ok()) << dr_pv.error();
  }

  // A Deployment "db" that mounts the claim, in `ns` of `clients`' cluster.
  static void CreateDeployment(ClusterClients& clients, const std::string& ns) {
    json labels = {{"app", "db"}};
    json deployment = {
        {"apiVersion", "apps/v1"},
        {"kind", "Deployment"},
        {"metadata", {{"name", "db"}, {"namespace", ns}}},
        {"spec",
         {{"replicas", 1},
          {"selector", {{"matchLabels", labels}}},
          {"template",
           {{"metadata", {{"labels", labels}}},
            {"spec",
             {{"containers",
               json::array({{{"name", "db"},
                             {"image", "example.com/db:1"},
                             {"volumeMounts",
                              json::array({{{"name", "data"}, {"mountPath", "/var/lib/db"}}})}}})},
              {"volumes",
               json::array({{{"name", "data"},
                             {"persistentVolumeClaim", {{"claimName", kClaim}}}}})}}}}}}}};
    auto d = clients.dynamic->Create(kDeployments, ns, deployment);
    ASSERT_TRUE(d.ok()) << d.error();
  }

  // The claim, used by a running Deployment in the source.
  void CreateSourceApp() {
    CreateClaims();
    if (HasFatalFailure()) return;
    CreateDeployment(source_, app_ns_);
    if (HasFatalFailure()) return;
    ASSERT_TRUE(PollFor(
        [&] {
          auto pods = source_.dynamic->List(kPods, app_ns_, {.label_selector = "app=db"});
          if (!pods.ok()) return false;
          for (const auto& p : pods->items) {
            if (p["status"].value("phase", "") == "Running") return true;
          }
          return false;
        },
        std::chrono::seconds(60)))
        << "the source app pod never ran";
  }

  bool WaitClaim(const std::string& phase, const std::string& message_part,
                 std::chrono::seconds timeout) {
    return PollFor(
        [&] {
          const json s = ClaimStatus();
          return s.value("phase", "") == phase &&
                 s.value("message", "").find(message_part) != std::string::npos;
        },
        timeout);
  }

  std::vector<std::string> MountPods() {
    std::vector<std::string> names;
    auto pods = source_.dynamic->List(
        kPods, app_ns_, {.label_selector = "app.kubernetes.io/component=volume-mount"});
    if (pods.ok()) {
      for (const auto& p : pods->items) names.push_back(kube::Name(p));
    }
    return names;
  }

  fs::path SourceData() const { return bed_.Cluster("source").dir + "/volumes/" + source_pv_; }
  fs::path DrData() const { return bed_.Cluster("dr").dir + "/volumes/" + dr_pv_; }

  json ClaimStatus() {
    for (const auto& p :
         Replication().value("status", json::object()).value("pvcs", json::array())) {
      if (p.value("name", "") == kClaim) return p;
    }
    return json::object();
  }

  // Waits until the claim is Synced with a lastSyncTime after `after`.
  bool WaitSynced(const std::string& after, std::chrono::seconds timeout) {
    return PollFor(
        [&] {
          const json s = ClaimStatus();
          return s.value("phase", "") == "Synced" && s.value("lastSyncTime", "") > after;
        },
        timeout);
  }

  std::string source_pv_;  // named after the app namespace, unique per test
  std::string dr_pv_;
  std::unique_ptr<ProcessKubelet> source_kubelet_;
  std::unique_ptr<ProcessKubelet> dr_kubelet_;
};

TEST_F(DataSyncE2eTest, ClaimDataArrivesAndTheSecondRunCopiesOnlyChanges) {
  auto syncer = StartDrSyncer("datasync", {"--agent-image=registry.example/dr-syncer-agent:e2e",
                                           "--data-sync-access-delay=3s"});
  EnablePvcSync();
  ASSERT_TRUE(WaitCondition("src", "AgentsReady", "True", "Ready", std::chrono::seconds(120)))
      << RemoteClusterStatus("src") << "\n"
      << RunTestbed(
             {"kubectl", "source", "-n", kAgentNamespace, "get", "daemonsets,pods", "-o", "yaml"})
      << "\n"
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
      "{replication=\"" + ns_ + "/app\",claim=\"" + app_ns_ + "/" + kClaim + "\"}";
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
        auto jobs = dr_.dynamic->List(kJobs, dr_ns_, {});
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
