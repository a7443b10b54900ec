#pragma once
// What the PVC data sync e2e suites share: dr-syncer (as its least-privilege
// ServiceAccount) deploys the agents into `source`, where a process kubelet
// runs them (the real sshd and rsync gate), and runs mover Jobs in `dr`,
// where another runs the real `dr-syncer-agent pull`. A claim `data` in the
// app namespace, bound to a testbed CSI volume, and its DR copy's volume;
// helpers to compare the two trees and to wait for a claim's status.
//
// Both clusters get a process kubelet, so suites built on this fixture run
// alone (SERIAL in test/CMakeLists.txt).

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "e2e/replication_fixture.h"
#include "kube/object.h"
#include "support/process_kubelet.h"

namespace drs::testing {

inline const kube::GroupVersionResource kPvsGvr{"", "v1", "persistentvolumes"};
inline const kube::GroupVersionResource kPvcsGvr{"", "v1", "persistentvolumeclaims"};
inline const kube::GroupVersionResource kPodsGvr{"", "v1", "pods"};
inline const kube::GroupVersionResource kJobsGvr{"batch", "v1", "jobs"};
inline const kube::GroupVersionResource kDaemonSetsGvr{"apps", "v1", "daemonsets"};
inline constexpr char kDataSyncStorageClass[] = "testbed-e2e";
inline constexpr char kDataSyncClaim[] = "data";
inline constexpr char kAgentNamespace[] = "dr-syncer-agent";
// The image name makes the process kubelet run the locally built agent.
inline constexpr char kAgentImageFlag[] = "--agent-image=registry.example/dr-syncer-agent:e2e";

// One entry of a directory tree as the comparison sees it: type, mode,
// size, content or link target.
struct TreeEntry {
  char type = '?';
  unsigned mode = 0;
  std::string content;
  friend bool operator==(const TreeEntry&, const TreeEntry&) = default;
};

inline std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The mover's scratch names (docs/data-sync.md) are not part of the data.
inline std::map<std::string, TreeEntry> Tree(const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  std::map<std::string, TreeEntry> out;
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
    TreeEntry e;
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

inline void Write(const std::filesystem::path& p, const std::string& content,
                  std::filesystem::perms mode = std::filesystem::perms(0644)) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
  std::filesystem::permissions(p, mode);
}

class DataSyncFixture : public ReplicationFixture {
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
    source_kubelet_ = ProcessKubelet::Start(bed_.Cluster("source"),
                                            {.nodes = 2, .node_ip_prefix = NodeIpPrefix(1)});
    ASSERT_NE(source_kubelet_, nullptr);
    dr_kubelet_ = ProcessKubelet::Start(bed_.Cluster("dr"),  // movers only
                                        {.nodes = 1, .node_ip_prefix = NodeIpPrefix(2)});
    ASSERT_NE(dr_kubelet_, nullptr);
  }

  // Node addresses 127.<b>.<cluster>.<n>, <b> (1-250) derived from the
  // bed's folder: agents listen on their node's address and fixed ports,
  // so beds of several people or build folders running these suites at
  // once must not share addresses (nor with the 127.0.<c>.<n> of a bed's
  // `scripts/testbed kubelet start`).
  std::string NodeIpPrefix(int cluster) const {
    constexpr std::size_t kOctets = 250;
    const std::size_t b = 1 + std::hash<std::string>{}(bed_.Cluster("source").dir) % kOctets;
    return "127." + std::to_string(b) + "." + std::to_string(cluster) + ".";
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

  nlohmann::json RemoteCluster(const std::string& name) {
    auto rc = source_.dynamic->Get(kRemoteClustersGvr, ns_, name);
    return rc.ok() ? *rc : nlohmann::json::object();
  }
  std::string RemoteClusterStatus(const std::string& name) {
    auto rc = source_.dynamic->Get(kRemoteClustersGvr, ns_, name);
    return rc.ok() ? rc->value("status", nlohmann::json::object()).dump(2) : rc.error().ToString();
  }

  // The agents' DaemonSet and pods, for failure messages.
  std::string AgentObjects() {
    return RunTestbed(
        {"kubectl", "source", "-n", kAgentNamespace, "get", "daemonsets,pods", "-o", "yaml"});
  }

  static nlohmann::json Pv(const std::string& name, const nlohmann::json& claim_ref) {
    nlohmann::json pv = {{"apiVersion", "v1"},
                         {"kind", "PersistentVolume"},
                         {"metadata", {{"name", name}}},
                         {"spec",
                          {{"capacity", {{"storage", "1Gi"}}},
                           {"accessModes", nlohmann::json::array({"ReadWriteOnce"})},
                           {"persistentVolumeReclaimPolicy", "Retain"},
                           {"storageClassName", kDataSyncStorageClass},
                           {"csi", {{"driver", "testbed.dr-syncer.io"}, {"volumeHandle", name}}}}}};
    if (!claim_ref.is_null()) pv["spec"]["claimRef"] = claim_ref;
    return pv;
  }

  // The source claim, bound to a PV of its own, and the PV its DR copy
  // will bind to.
  void CreateClaims() {
    auto pv = source_.dynamic->Create(kPvsGvr, "", Pv(source_pv_, nlohmann::json()));
    ASSERT_TRUE(pv.ok()) << pv.error();
    nlohmann::json claim = {{"apiVersion", "v1"},
                            {"kind", "PersistentVolumeClaim"},
                            {"metadata", {{"name", kDataSyncClaim}, {"namespace", app_ns_}}},
                            {"spec",
                             {{"accessModes", nlohmann::json::array({"ReadWriteOnce"})},
                              {"storageClassName", kDataSyncStorageClass},
                              {"volumeName", source_pv_},
                              {"resources", {{"requests", {{"storage", "1Gi"}}}}}}}};
    auto c = source_.dynamic->Create(kPvcsGvr, app_ns_, claim);
    ASSERT_TRUE(c.ok()) << c.error();
    auto dr_pv = dr_.dynamic->Create(kPvsGvr, "",
                                     Pv(dr_pv_, {{"apiVersion", "v1"},
                                                 {"kind", "PersistentVolumeClaim"},
                                                 {"namespace", dr_ns_},
                                                 {"name", kDataSyncClaim}}));
    ASSERT_TRUE(dr_pv.ok()) << dr_pv.error();
  }

  // A Deployment "db" that mounts the claim, in `ns` of `clients`' cluster.
  static void CreateDeployment(ClusterClients& clients, const std::string& ns) {
    nlohmann::json labels = {{"app", "db"}};
    nlohmann::json container = {
        {"name", "db"},
        {"image", "example.com/db:1"},
        {"volumeMounts",
         nlohmann::json::array({{{"name", "data"}, {"mountPath", "/var/lib/db"}}})}};
    nlohmann::json volume = {{"name", "data"},
                             {"persistentVolumeClaim", {{"claimName", kDataSyncClaim}}}};
    nlohmann::json deployment = {{"apiVersion", "apps/v1"},
                                 {"kind", "Deployment"},
                                 {"metadata", {{"name", "db"}, {"namespace", ns}}},
                                 {"spec",
                                  {{"replicas", 1},
                                   {"selector", {{"matchLabels", labels}}},
                                   {"template",
                                    {{"metadata", {{"labels", labels}}},
                                     {"spec",
                                      {{"containers", nlohmann::json::array({container})},
                                       {"volumes", nlohmann::json::array({volume})}}}}}}}};
    auto d = clients.dynamic->Create(kDeployments, ns, deployment);
    ASSERT_TRUE(d.ok()) << d.error();
  }

  // The running source pod of the Deployment "db", or null.
  nlohmann::json SourceAppPod() {
    auto pods = source_.dynamic->List(kPodsGvr, app_ns_, {.label_selector = "app=db"});
    if (!pods.ok()) return nullptr;
    for (const auto& p : pods->items) {
      if (p["status"].value("phase", "") == "Running") return p;
    }
    return nullptr;
  }

  // The claim, used by a running Deployment in the source.
  void CreateSourceApp() {
    CreateClaims();
    if (HasFatalFailure()) return;
    CreateDeployment(source_, app_ns_);
    if (HasFatalFailure()) return;
    ASSERT_TRUE(PollFor([&] { return !SourceAppPod().is_null(); }, std::chrono::seconds(60)))
        << "the source app pod never ran";
  }

  bool WaitClaim(const std::string& phase, const std::string& message_part,
                 std::chrono::seconds timeout) {
    return PollFor(
        [&] {
          const nlohmann::json s = ClaimStatus();
          return s.value("phase", "") == phase &&
                 s.value("message", "").find(message_part) != std::string::npos;
        },
        timeout);
  }

  std::vector<std::string> MountPods() {
    std::vector<std::string> names;
    auto pods = source_.dynamic->List(
        kPodsGvr, app_ns_, {.label_selector = "app.kubernetes.io/component=volume-mount"});
    if (pods.ok()) {
      for (const auto& p : pods->items) names.push_back(kube::Name(p));
    }
    return names;
  }

  std::filesystem::path SourceData() const {
    return bed_.Cluster("source").dir + "/volumes/" + source_pv_;
  }
  std::filesystem::path DrData() const { return bed_.Cluster("dr").dir + "/volumes/" + dr_pv_; }

  nlohmann::json ClaimStatus() {
    for (const auto& p : Replication()
                             .value("status", nlohmann::json::object())
                             .value("pvcs", nlohmann::json::array())) {
      if (p.value("name", "") == kDataSyncClaim) return p;
    }
    return nlohmann::json::object();
  }

  // Waits until the claim is Synced with a lastSyncTime after `after`.
  bool WaitSynced(const std::string& after, std::chrono::seconds timeout) {
    return PollFor(
        [&] {
          const nlohmann::json s = ClaimStatus();
          return s.value("phase", "") == "Synced" && s.value("lastSyncTime", "") > after;
        },
        timeout);
  }

  std::string source_pv_;  // named after the app namespace, unique per test
  std::string dr_pv_;
  std::unique_ptr<ProcessKubelet> source_kubelet_;
  std::unique_ptr<ProcessKubelet> dr_kubelet_;
};

}  // namespace drs::testing
