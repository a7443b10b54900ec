// The process kubelet against a real API server and controller manager: one
// kubelet with two nodes for the whole suite (cases run in order, in one
// process, each in its own namespace), then a crash and restart, then a
// clean stop. Containers use the test-only image testbed/exec with shell
// commands; nothing here needs dr-syncer-agent.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/base64.h"
#include "base/file_util.h"
#include "base/subprocess.h"
#include "kube/object.h"
#include "kubelet/host_mounts.h"
#include "support/clients.h"
#include "support/process_kubelet.h"
#include "support/testbed.h"

namespace drs::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const kube::GroupVersionResource kPods{"", "v1", "pods"};
const kube::GroupVersionResource kNodes{"", "v1", "nodes"};
const kube::GroupVersionResource kLeases{"coordination.k8s.io", "v1", "leases"};
const kube::GroupVersionResource kSecrets{"", "v1", "secrets"};
const kube::GroupVersionResource kJobs{"batch", "v1", "jobs"};
const kube::GroupVersionResource kDaemonSets{"apps", "v1", "daemonsets"};
const kube::GroupVersionResource kClaims{"", "v1", "persistentvolumeclaims"};
const kube::GroupVersionResource kVolumes{"", "v1", "persistentvolumes"};

constexpr char kCluster[] = "kubelet";  // the cluster of the suite's own bed
constexpr int kNodeCount = 2;
constexpr auto kTimeout = std::chrono::seconds(60);
constexpr auto kPoll = std::chrono::milliseconds(100);

std::string ReadText(const std::string& path) {
  auto text = ReadFileToString(path);
  return text.ok() ? *text : std::string();
}

// A pod of the test-only image: `script` run by sh.
json ExecPod(const std::string& name, const std::string& script) {
  return {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", {{"name", name}}},
      {"spec",
       {{"restartPolicy", "Never"},
        {"terminationGracePeriodSeconds", 5},
        {"containers",
         json::array(
             {{{"name", "c"}, {"image", "testbed/exec"}, {"command", {"sh", "-c", script}}}})}}}};
}

std::string Phase(const json& pod) {
  return pod.value("status", json::object()).value("phase", "");
}

json ContainerStatus(const json& pod) {
  const json statuses =
      pod.value("status", json::object()).value("containerStatuses", json::array());
  return statuses.empty() ? json::object() : statuses[0];
}

bool ConditionTrue(const json& obj, const std::string& type) {
  for (const auto& c : obj.value("status", json::object()).value("conditions", json::array())) {
    if (c.value("type", "") == type) return c.value("status", "") == "True";
  }
  return false;
}

class ProcessKubeletTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    if (!Testbed::Load(&bed_, &error)) {
      setup_error_ = error;
      return;
    }
    clients_ = ClientsFor(bed_.Cluster(kCluster).kubeconfig);
    kubelet_ = ProcessKubelet::Start(bed_.Cluster(kCluster), {.nodes = kNodeCount});
  }
  static void TearDownTestSuite() {
    kubelet_.reset();
    clients_ = {};
  }

  void SetUp() override {
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
    ASSERT_TRUE(kubelet_) << "the process kubelet did not start";
    ns_ = UniqueNamespace("kubelet");
    CreateNamespace(clients_, ns_);
  }
  void TearDown() override {
    if (HasFailure() && kubelet_) {
      std::cerr << "--- process kubelet log (tail) ---\n";
      const std::string log = kubelet_->Log();
      std::cerr << log.substr(log.size() > 6000 ? log.size() - 6000 : 0) << "\n";
    }
  }

  json Create(const kube::GroupVersionResource& gvr, const json& obj) {
    auto created = clients_.dynamic->Create(gvr, gvr == kVolumes ? "" : ns_, obj);
    EXPECT_TRUE(created.ok()) << created.error();
    return created.ok() ? *created : json::object();
  }

  json Get(const kube::GroupVersionResource& gvr, const std::string& name) {
    auto got = clients_.dynamic->Get(gvr, gvr == kNodes || gvr == kVolumes ? "" : ns_, name);
    return got.ok() ? *got : json();
  }

  // Polls `check` until true; fails the test naming `what` when it never is.
  bool WaitFor(const std::string& what, const std::function<bool()>& check,
               std::chrono::seconds timeout = kTimeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!check()) {
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "timed out after " << timeout.count() << "s waiting for " << what;
        return false;
      }
      std::this_thread::sleep_for(kPoll);
    }
    return true;
  }

  // Waits until the pod satisfies `check`; returns the pod as last read.
  json WaitForPod(const std::string& name, const std::string& what,
                  const std::function<bool(const json&)>& check) {
    json pod;
    const bool ok = WaitFor("pod " + name + " " + what, [&] {
      pod = Get(kPods, name);
      return !pod.is_null() && check(pod);
    });
    if (!ok) std::cerr << "last seen: " << pod.dump(2) << "\n";
    return pod;
  }

  // The node's root directory, from the annotation on its Node object.
  std::string NodeRoot(const json& pod) {
    const json node = Get(kNodes, pod["spec"].value("nodeName", ""));
    return kube::Annotations(node)["testbed.dr-syncer.io/root-dir"];
  }
  std::string PodDir(const json& pod) {
    return NodeRoot(pod) + "/var/lib/kubelet/pods/" + kube::Uid(pod);
  }
  pid_t ShimPid(const json& pod, const std::string& container) {
    std::ifstream in(NodeRoot(pod) + "/run/process-kubelet/" + kube::Uid(pod) + "/" + container +
                     "/shim.pid");
    pid_t pid = -1;
    in >> pid;
    return pid;
  }
  // Runs argv inside a running container, as an exec probe does.
  std::string ExecIn(const json& pod, const std::string& container,
                     const std::vector<std::string>& argv) {
    ProcessSpec spec;
    spec.argv = {ProcessKubeletBinary(), "container-exec", "--pid",
                 std::to_string(ShimPid(pod, container)), "--"};
    spec.argv.insert(spec.argv.end(), argv.begin(), argv.end());
    spec.timeout = std::chrono::seconds(10);
    auto ran = RunProcess(spec, {});
    EXPECT_TRUE(ran.ok() && ran->Succeeded())
        << (ran.ok() ? ran->stderr_data : ran.error().ToString());
    return ran.ok() ? ran->stdout_data : "";
  }

  // A testbed CSI PersistentVolume pre-bound to claim `claim`, holding `files`.
  void CreateTestbedVolume(const std::string& pv, const std::string& claim,
                           const std::map<std::string, std::string>& files) {
    const std::string data = bed_.Cluster(kCluster).dir + "/volumes/" + pv;
    fs::create_directories(data);
    for (const auto& [name, content] : files) std::ofstream(data + "/" + name) << content;
    Create(kVolumes, {{"apiVersion", "v1"},
                      {"kind", "PersistentVolume"},
                      {"metadata", {{"name", pv}}},
                      {"spec",
                       {{"capacity", {{"storage", "1Gi"}}},
                        {"accessModes", {"ReadWriteOnce"}},
                        {"persistentVolumeReclaimPolicy", "Retain"},
                        {"storageClassName", ""},
                        {"claimRef", {{"namespace", ns_}, {"name", claim}}},
                        {"csi", {{"driver", "testbed.dr-syncer.io"}, {"volumeHandle", pv}}}}}});
    Create(kClaims, {{"apiVersion", "v1"},
                     {"kind", "PersistentVolumeClaim"},
                     {"metadata", {{"name", claim}}},
                     {"spec",
                      {{"accessModes", {"ReadWriteOnce"}},
                       {"storageClassName", ""},
                       {"volumeName", pv},
                       {"resources", {{"requests", {{"storage", "1Gi"}}}}}}}});
  }

  static Testbed bed_;
  static std::string setup_error_;
  static ClusterClients clients_;
  static std::unique_ptr<ProcessKubelet> kubelet_;
  std::string ns_;
};

Testbed ProcessKubeletTest::bed_;
std::string ProcessKubeletTest::setup_error_;
ClusterClients ProcessKubeletTest::clients_;
std::unique_ptr<ProcessKubelet> ProcessKubeletTest::kubelet_;

TEST_F(ProcessKubeletTest, NodesAreRegisteredReadyWithLeases) {
  for (int n = 1; n <= kNodeCount; ++n) {
    const std::string name = "node-" + std::to_string(n);
    const json node = Get(kNodes, name);
    ASSERT_FALSE(node.is_null()) << name;
    EXPECT_TRUE(ConditionTrue(node, "Ready")) << node.dump();
    EXPECT_EQ(node["status"]["addresses"][0],
              json({{"type", "InternalIP"}, {"address", "127.0.1." + std::to_string(n)}}));
    EXPECT_EQ(kube::Labels(node)["kubernetes.io/hostname"], name);
    EXPECT_EQ(kube::Annotations(node)["testbed.dr-syncer.io/root-dir"], kubelet_->NodeRoot(n));
    EXPECT_TRUE(fs::is_directory(kubelet_->NodeRoot(n)));
    EXPECT_FALSE(node.value("spec", json::object()).contains("taints")) << node.dump();
    auto lease = clients_.dynamic->Get(kLeases, "kube-node-lease", name);
    ASSERT_TRUE(lease.ok()) << lease.error();
    EXPECT_EQ((*lease)["spec"]["holderIdentity"], name);
  }
}

TEST_F(ProcessKubeletTest, PodWithSecretVolumeAndFieldRefEnvRunsThenSucceeds) {
  Create(kSecrets, {{"apiVersion", "v1"},
                    {"kind", "Secret"},
                    {"metadata", {{"name", "creds"}}},
                    {"data", {{"token", Base64Encode("t0ps3cret")}}}});
  // Runs until the test drops a file into its emptyDir, then reports what it
  // saw in its termination message and exits 0.
  json pod = ExecPod("reporter",
                     "while [ ! -e /ctl/go ]; do sleep 0.05; done; "
                     "printf '%s|%s|%s|%s|%s' \"$NODE_NAME\" \"$NODE_IP\" \"$POD_NAME\" "
                     "\"$(cat /etc/creds/token)\" \"$(stat -c %a /etc/creds/..data/token)\" "
                     "> /dev/termination-log");
  json& c = pod["spec"]["containers"][0];
  c["env"] = json::array(
      {{{"name", "NODE_NAME"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "spec.nodeName"}}}}}},
       {{"name", "NODE_IP"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "status.hostIP"}}}}}},
       {{"name", "POD_NAME"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.name"}}}}}}});
  c["volumeMounts"] =
      json::array({{{"name", "creds"}, {"mountPath", "/etc/creds"}, {"readOnly", true}},
                   {{"name", "ctl"}, {"mountPath", "/ctl"}}});
  pod["spec"]["volumes"] = json::array(
      {{{"name", "creds"}, {"secret", {{"secretName", "creds"}, {"defaultMode", 0440}}}},
       {{"name", "ctl"}, {"emptyDir", json::object()}}});
  Create(kPods, pod);

  json running = WaitForPod("reporter", "Running and Ready", [](const json& p) {
    return Phase(p) == "Running" && ConditionTrue(p, "Ready");
  });
  ASSERT_EQ(Phase(running), "Running");
  const std::string node = running["spec"]["nodeName"];
  const std::string ip = "127.0.1." + node.substr(node.rfind('-') + 1);
  EXPECT_EQ(running["status"]["hostIP"], ip);
  EXPECT_EQ(running["status"]["podIP"], ip);
  EXPECT_TRUE(running["status"].contains("startTime"));
  EXPECT_TRUE(ContainerStatus(running)["state"].contains("running"));
  EXPECT_EQ(ContainerStatus(running)["started"], true);
  // The Secret as the kubelet lays it out, on the node.
  const std::string secret_dir = PodDir(running) + "/volumes/kubernetes.io~secret/creds";
  EXPECT_EQ(fs::read_symlink(secret_dir + "/token"), "..data/token");
  EXPECT_EQ(ReadText(secret_dir + "/token"), "t0ps3cret");

  std::ofstream(PodDir(running) + "/volumes/kubernetes.io~empty-dir/ctl/go") << "go";
  json done =
      WaitForPod("reporter", "Succeeded", [](const json& p) { return Phase(p) == "Succeeded"; });
  const json terminated = ContainerStatus(done)["state"]["terminated"];
  EXPECT_EQ(terminated["exitCode"], 0);
  EXPECT_EQ(terminated["reason"], "Completed");
  EXPECT_EQ(terminated["message"], node + "|" + ip + "|reporter|t0ps3cret|440");
  // A finished pod's volumes are gone from the node; its log stays.
  EXPECT_TRUE(
      WaitFor("the finished pod's volumes to be removed", [&] { return !fs::exists(secret_dir); }));
}

TEST_F(ProcessKubeletTest, JobsCompleteAndFail) {
  const auto job = [](const std::string& name, const std::string& script) {
    json pod = ExecPod("unused", script);
    pod["spec"]["containers"][0]["terminationMessagePolicy"] = "FallbackToLogsOnError";
    return json{
        {"apiVersion", "batch/v1"},
        {"kind", "Job"},
        {"metadata", {{"name", name}}},
        {"spec",
         {{"backoffLimit", 0},
          {"template", {{"metadata", {{"labels", {{"job", name}}}}}, {"spec", pod["spec"]}}}}}};
  };
  Create(kJobs, job("ok", "echo copying; exit 0"));
  Create(kJobs, job("broken", "echo 'rsync: connection refused' >&2; exit 12"));
  json ok;
  WaitFor("job ok to complete", [&] {
    ok = Get(kJobs, "ok");
    return ConditionTrue(ok, "Complete");
  });
  EXPECT_EQ(ok["status"].value("succeeded", 0), 1);
  json broken;
  WaitFor("job broken to fail", [&] {
    broken = Get(kJobs, "broken");
    return ConditionTrue(broken, "Failed");
  });
  EXPECT_EQ(broken["status"].value("failed", 0), 1);
  auto pods = clients_.dynamic->List(kPods, ns_, {.label_selector = "job=broken"});
  ASSERT_TRUE(pods.ok() && pods->items.size() == 1u);
  const json terminated = ContainerStatus(pods->items[0])["state"]["terminated"];
  EXPECT_EQ(terminated["exitCode"], 12);
  EXPECT_EQ(terminated["message"], "rsync: connection refused\n");
}

TEST_F(ProcessKubeletTest, DaemonSetRunsOnePodPerNodeAndCountsThemReady) {
  json pod = ExecPod("unused", "trap 'exit 0' TERM; sleep 1000 & wait");
  pod["spec"]["hostNetwork"] = true;
  pod["spec"].erase("restartPolicy");
  pod["spec"]["containers"][0]["readinessProbe"] = {
      {"exec", {{"command", {"test", "-d", "/proc/self"}}}}, {"periodSeconds", 1}};
  Create(
      kDaemonSets,
      {{"apiVersion", "apps/v1"},
       {"kind", "DaemonSet"},
       {"metadata", {{"name", "agent"}}},
       {"spec",
        {{"selector", {{"matchLabels", {{"app", "agent"}}}}},
         {"template", {{"metadata", {{"labels", {{"app", "agent"}}}}}, {"spec", pod["spec"]}}}}}});
  json ds;
  WaitFor("the DaemonSet to have a ready pod on every node", [&] {
    ds = Get(kDaemonSets, "agent");
    const json s = ds.value("status", json::object());
    return s.value("desiredNumberScheduled", -1) == kNodeCount &&
           s.value("numberReady", -1) == kNodeCount && s.value("numberAvailable", -1) == kNodeCount;
  });
  auto pods = clients_.dynamic->List(kPods, ns_, {.label_selector = "app=agent"});
  ASSERT_TRUE(pods.ok());
  std::set<std::string> nodes;
  for (const auto& p : pods->items) nodes.insert(p["spec"].value("nodeName", ""));
  EXPECT_EQ(nodes, (std::set<std::string>{"node-1", "node-2"}));
}

TEST_F(ProcessKubeletTest, TestbedCsiClaimIsMountedAtTheCsiPathAndPropagatesToHostToContainer) {
  const std::string pv = "pv-" + ns_;
  CreateTestbedVolume(pv, "data", {{"file.txt", "pv content"}});
  // An agent-like pod on node-1, started first: the node's kubelet pods tree,
  // read-only, HostToContainer. It waits for the claim to show up in it.
  // (As on any Linux node, a mount that propagates in later is not made
  // read-only by the volumeMount's readOnly: only what was there at start is.)
  json watcher =
      ExecPod("watcher",
              "until [ -e /var/lib/kubelet/pods/*/volumes/kubernetes.io~csi/" + pv +
                  "/mount/file.txt ]; "
                  "do sleep 0.05; done; if touch /var/lib/kubelet/pods/x 2>/dev/null; then ro=rw; "
                  "else ro=ro; "
                  "fi; printf '%s|%s' \"$(cat /var/lib/kubelet/pods/*/volumes/kubernetes.io~csi/" +
                  pv + "/mount/file.txt)\" $ro > /dev/termination-log");
  watcher["spec"]["nodeName"] = "node-1";
  watcher["spec"]["containers"][0]["volumeMounts"] =
      json::array({{{"name", "pods"},
                    {"mountPath", "/var/lib/kubelet/pods"},
                    {"readOnly", true},
                    {"mountPropagation", "HostToContainer"}}});
  watcher["spec"]["volumes"] =
      json::array({{{"name", "pods"}, {"hostPath", {{"path", "/var/lib/kubelet/pods"}}}}});
  Create(kPods, watcher);
  WaitForPod("watcher", "Running", [](const json& p) { return Phase(p) == "Running"; });

  json user = ExecPod("user",
                      "cat /data/file.txt > /dev/termination-log; echo from-pod > "
                      "/data/written; trap 'exit 0' TERM; sleep 1000 & wait");
  user["spec"]["nodeSelector"] = {{"kubernetes.io/hostname", "node-1"}};
  user["spec"]["containers"][0]["volumeMounts"] =
      json::array({{{"name", "d"}, {"mountPath", "/data"}}});
  user["spec"]["volumes"] =
      json::array({{{"name", "d"}, {"persistentVolumeClaim", {{"claimName", "data"}}}}});
  Create(kPods, user);
  user = WaitForPod("user", "Running", [](const json& p) { return Phase(p) == "Running"; });

  const std::string mount = PodDir(user) + "/volumes/kubernetes.io~csi/" + pv + "/mount";
  EXPECT_TRUE(kubelet::IsMountPoint(mount)) << mount;
  EXPECT_EQ(ReadText(mount + "/file.txt"), "pv content");
  EXPECT_TRUE(WaitFor("the pod's write to reach the volume", [&] {
    return ReadText(bed_.Cluster(kCluster).dir + "/volumes/" + pv + "/written") == "from-pod\n";
  }));
  json seen =
      WaitForPod("watcher", "Succeeded", [](const json& p) { return Phase(p) == "Succeeded"; });
  EXPECT_EQ(ContainerStatus(seen)["state"]["terminated"]["message"], "pv content|ro");
}

TEST_F(ProcessKubeletTest, DeletingAPodStopsItsProcessesAndRemovesItsMounts) {
  const std::string pv = "pv-" + ns_;
  CreateTestbedVolume(pv, "data", {});
  // Notes SIGTERM on its volume, then exits.
  json polite = ExecPod("polite",
                        "trap 'echo got-TERM > /data/signal; exit 0' TERM; "
                        "sleep 1000 & wait");
  polite["spec"]["containers"][0]["volumeMounts"] =
      json::array({{{"name", "d"}, {"mountPath", "/data"}}});
  polite["spec"]["volumes"] =
      json::array({{{"name", "d"}, {"persistentVolumeClaim", {{"claimName", "data"}}}}});
  // Ignores SIGTERM: killed when its 1 s grace period is over.
  json stubborn = ExecPod("stubborn", "trap '' TERM; while :; do sleep 0.1; done");
  stubborn["spec"]["terminationGracePeriodSeconds"] = 1;
  Create(kPods, polite);
  Create(kPods, stubborn);
  polite = WaitForPod("polite", "Running", [](const json& p) { return Phase(p) == "Running"; });
  stubborn = WaitForPod("stubborn", "Running", [](const json& p) { return Phase(p) == "Running"; });
  const pid_t polite_shim = ShimPid(polite, "c");
  const pid_t stubborn_shim = ShimPid(stubborn, "c");
  ASSERT_GT(polite_shim, 1);
  ASSERT_GT(stubborn_shim, 1);
  const std::string mount = PodDir(polite) + "/volumes/kubernetes.io~csi/" + pv + "/mount";
  ASSERT_TRUE(kubelet::IsMountPoint(mount));

  const auto started = std::chrono::steady_clock::now();
  for (const char* name : {"polite", "stubborn"}) {
    ASSERT_TRUE(clients_.dynamic->Delete(kPods, ns_, name).ok());
  }
  for (const char* name : {"polite", "stubborn"}) {
    WaitFor(std::string("pod ") + name + " to disappear",
            [&] { return Get(kPods, name).is_null(); });
  }
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(::kill(polite_shim, 0), -1);
  EXPECT_EQ(::kill(stubborn_shim, 0), -1);
  EXPECT_GE(took, std::chrono::seconds(1)) << "stubborn had a 1 s grace period";
  EXPECT_EQ(ReadText(bed_.Cluster(kCluster).dir + "/volumes/" + pv + "/signal"), "got-TERM\n");
  EXPECT_FALSE(kubelet::IsMountPoint(mount));
  EXPECT_FALSE(fs::exists(PodDir(polite)));
  EXPECT_TRUE(kubelet::MountPointsUnder(PodDir(polite)).empty());
}

TEST_F(ProcessKubeletTest, SecretUpdateReachesTheMountedVolume) {
  Create(kSecrets, {{"apiVersion", "v1"},
                    {"kind", "Secret"},
                    {"metadata", {{"name", "keys"}}},
                    {"data", {{"authorized_keys", Base64Encode("key-1")}}}});
  json pod = ExecPod("reader", "trap 'exit 0' TERM; sleep 1000 & wait");
  pod["spec"]["containers"][0]["volumeMounts"] =
      json::array({{{"name", "keys"}, {"mountPath", "/etc/dr-syncer/access"}, {"readOnly", true}}});
  pod["spec"]["volumes"] = json::array({{{"name", "keys"}, {"secret", {{"secretName", "keys"}}}}});
  Create(kPods, pod);
  pod = WaitForPod("reader", "Running", [](const json& p) { return Phase(p) == "Running"; });
  EXPECT_EQ(ExecIn(pod, "c", {"cat", "/etc/dr-syncer/access/authorized_keys"}), "key-1");
  const std::string dir = PodDir(pod) + "/volumes/kubernetes.io~secret/keys";
  const std::string before = fs::read_symlink(dir + "/..data");

  auto patched = clients_.dynamic->Patch(kSecrets, ns_, "keys", kubeclient::PatchType::kMerge,
                                         {{"data", {{"authorized_keys", Base64Encode("key-2")}}}});
  ASSERT_TRUE(patched.ok()) << patched.error();
  EXPECT_TRUE(WaitFor(
      "the new key in the container",
      [&] {
        return ExecIn(pod, "c", {"cat", "/etc/dr-syncer/access/authorized_keys"}) == "key-2";
      },
      std::chrono::seconds(10)));
  EXPECT_NE(fs::read_symlink(dir + "/..data"), before) << "..data must be swapped, not rewritten";
  // The mountpoint exists only in the container: nothing was created on the host.
  EXPECT_FALSE(fs::exists("/etc/dr-syncer/access"));
}

TEST_F(ProcessKubeletTest, OnFailureRestartsWithBackoffUntilSuccess) {
  // Fails twice (counting in its emptyDir), then succeeds.
  json pod = ExecPod("flaky",
                     "n=$(cat /state/n 2>/dev/null || echo 0); echo $((n+1)) > /state/n; "
                     "[ $n -ge 2 ]");
  pod["spec"]["restartPolicy"] = "OnFailure";
  pod["spec"]["containers"][0]["volumeMounts"] =
      json::array({{{"name", "state"}, {"mountPath", "/state"}}});
  pod["spec"]["volumes"] = json::array({{{"name", "state"}, {"emptyDir", json::object()}}});
  Create(kPods, pod);
  json done =
      WaitForPod("flaky", "Succeeded", [](const json& p) { return Phase(p) == "Succeeded"; });
  const json status = ContainerStatus(done);
  EXPECT_EQ(status["restartCount"], 2);
  EXPECT_EQ(status["lastState"]["terminated"]["exitCode"], 1);
  EXPECT_EQ(status["state"]["terminated"]["exitCode"], 0);
}

// A TCP listener of the test's own on a node's address: what a tcpSocket
// readiness probe of a pod on that node connects to.
class Listener {
 public:
  explicit Listener(const std::string& ip) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    ::inet_pton(AF_INET, ip.c_str(), &addr.sin_addr);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0 && ::listen(fd_, 16) == 0 &&
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
  }
  ~Listener() { Close(); }
  int port() const { return port_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
  int port_ = 0;
};

TEST_F(ProcessKubeletTest, ProbesDriveReadinessAndRestarts) {
  // Readiness over TCP to a listener on node-1's own address: ready while it
  // listens, unready once it is gone.
  Listener listener("127.0.1.1");
  ASSERT_GT(listener.port(), 0) << "binding 127.0.1.1 (loopback) failed";
  json ready = ExecPod("ready", "trap 'exit 0' TERM; sleep 1000 & wait");
  ready["spec"]["nodeName"] = "node-1";
  ready["spec"]["containers"][0]["readinessProbe"] = {
      {"tcpSocket", {{"port", listener.port()}}}, {"periodSeconds", 1}, {"failureThreshold", 1}};
  // Liveness by exec: alive while /tmp/alive exists; the container removes it.
  json live = ExecPod("live", "touch /tmp/alive; sleep 1; rm /tmp/alive; sleep 1000");
  live["spec"]["restartPolicy"] = "Always";
  live["spec"]["containers"][0]["livenessProbe"] = {
      {"exec", {{"command", {"test", "-e", "/tmp/alive"}}}},
      {"periodSeconds", 1},
      {"failureThreshold", 1}};
  Create(kPods, ready);
  Create(kPods, live);
  WaitForPod("ready", "Ready", [](const json& p) { return ConditionTrue(p, "Ready"); });
  listener.Close();
  json unready = WaitForPod("ready", "unready after its listener closed", [](const json& p) {
    return Phase(p) == "Running" && !ConditionTrue(p, "Ready");
  });
  EXPECT_EQ(ContainerStatus(unready)["ready"], false);
  json restarted = WaitForPod("live", "restarted by its liveness probe", [](const json& p) {
    return ContainerStatus(p).value("restartCount", 0) >= 1;
  });
  EXPECT_EQ(ContainerStatus(restarted)["lastState"]["terminated"]["exitCode"], 137);
}

TEST_F(ProcessKubeletTest, UnsupportedSpecsFailThePodWithAReason) {
  json pod = ExecPod("nfs", "true");
  pod["spec"]["containers"][0]["volumeMounts"] =
      json::array({{{"name", "n"}, {"mountPath", "/n"}}});
  pod["spec"]["volumes"] =
      json::array({{{"name", "n"}, {"nfs", {{"server", "nfs.example"}, {"path", "/x"}}}}});
  Create(kPods, pod);
  json bad_exec = ExecPod("bad-exec", "unused");
  bad_exec["spec"]["containers"][0]["command"] = {"/no/such/program"};
  Create(kPods, bad_exec);

  json nfs = WaitForPod("nfs", "Failed", [](const json& p) { return Phase(p) == "Failed"; });
  EXPECT_EQ(nfs["status"]["reason"], "UnsupportedVolume");
  EXPECT_NE(nfs["status"].value("message", "").find("\"nfs\""), std::string::npos);
  json failed =
      WaitForPod("bad-exec", "Failed", [](const json& p) { return Phase(p) == "Failed"; });
  const json terminated = ContainerStatus(failed)["state"]["terminated"];
  EXPECT_EQ(terminated["reason"], "StartError");
  EXPECT_EQ(terminated["exitCode"], 128);
  EXPECT_NE(terminated.value("message", "").find("/no/such/program"), std::string::npos);
}

TEST_F(ProcessKubeletTest, AfterACrashTheNextKubeletKillsLeftoversAndRestartsPods) {
  json pod = ExecPod("survivor", "trap 'exit 0' TERM; sleep 1000 & wait");
  pod["spec"]["restartPolicy"] = "Always";
  Create(kPods, pod);
  pod = WaitForPod("survivor", "Running", [](const json& p) { return Phase(p) == "Running"; });
  const pid_t old_shim = ShimPid(pod, "c");
  ASSERT_GT(old_shim, 1);

  kubelet_->Crash();
  EXPECT_EQ(::kill(old_shim, 0), 0) << "a crashed kubelet leaves its containers running";
  kubelet_ = ProcessKubelet::Start(bed_.Cluster(kCluster), {.nodes = kNodeCount});
  ASSERT_TRUE(kubelet_);
  json again = WaitForPod("survivor", "restarted", [](const json& p) {
    return ContainerStatus(p).value("restartCount", 0) == 1 && ConditionTrue(p, "Ready");
  });
  EXPECT_EQ(ContainerStatus(again)["lastState"]["terminated"]["reason"], "ContainerStatusUnknown");
  EXPECT_TRUE(WaitFor("the old container to be killed", [&] { return ::kill(old_shim, 0) != 0; }));
  EXPECT_NE(ShimPid(again, "c"), old_shim);
}

TEST_F(ProcessKubeletTest, StopStopsContainersRemovesNodesAndMounts) {
  Create(kPods, ExecPod("last", "trap 'exit 0' TERM; sleep 1000 & wait"));
  const json pod =
      WaitForPod("last", "Running", [](const json& p) { return Phase(p) == "Running"; });
  const pid_t shim = ShimPid(pod, "c");
  ASSERT_TRUE(kubelet_->Stop());
  kubelet_.reset();
  EXPECT_NE(::kill(shim, 0), 0);
  for (int n = 1; n <= kNodeCount; ++n) {
    EXPECT_TRUE(Get(kNodes, "node-" + std::to_string(n)).is_null());
  }
  EXPECT_TRUE(kubelet::MountPointsUnder(bed_.Cluster(kCluster).dir).empty());
}

}  // namespace
}  // namespace drs::testing
