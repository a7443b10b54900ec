// Many Replications at once, with the real binary: A→B and B→A running side
// by side between the same two clusters, and one source namespace copied to
// two destinations. Each copy carries its own Replication's label, each
// direction picks up its own changes, and none disturbs the others.

#include <signal.h>

#include <fstream>

#include "e2e/replication_fixture.h"

namespace drs::testing {
namespace {

using nlohmann::json;

const kube::GroupVersionResource kCm{"", "v1", "configmaps"};
const kube::GroupVersionResource kDeployments{"apps", "v1", "deployments"};

class ReplicationTopologyE2ETest : public ReplicationFixture {
 protected:
  void CreateNamed(const std::string& name, json spec) {
    spec.update({{"replicationMode", "Continuous"}, {"continuous", {{"debounce", "200ms"}}}}, true);
    auto r = source_.dynamic->Create(kReplicationsGvr, ns_,
                                     {{"apiVersion", "dr-syncer.io/v1alpha1"},
                                      {"kind", "Replication"},
                                      {"metadata", {{"name", name}, {"namespace", ns_}}},
                                      {"spec", spec}});
    ASSERT_TRUE(r.ok()) << r.error();
  }
  std::string PhaseOf(const std::string& name) {
    auto r = source_.dynamic->Get(kReplicationsGvr, ns_, name);
    return r.ok() ? r->value("status", json::object()).value("phase", "") : "";
  }
  static json ConfigMap(const std::string& name, const std::string& value) {
    return {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", {{"name", name}}},
            {"data", {{"value", value}}}};
  }
  static json Deployment(const std::string& name, int replicas) {
    const json labels = {{"app", name}};
    return {{"apiVersion", "apps/v1"},
            {"kind", "Deployment"},
            {"metadata", {{"name", name}}},
            {"spec",
             {{"replicas", replicas},
              {"selector", {{"matchLabels", labels}}},
              {"template",
               {{"metadata", {{"labels", labels}}},
                {"spec", {{"containers", {{{"name", "app"}, {"image", "nginx:1.27"}}}}}}}}}}};
  }
  static std::string Value(ClusterClients& c, const std::string& ns, const std::string& name) {
    auto cm = c.dynamic->Get(kCm, ns, name);
    return cm.ok() ? cm->value("data", json::object()).value("value", "") : "";
  }
  static std::string OwnerLabel(const json& obj) {
    return obj.value("metadata", json::object())
        .value("labels", json::object())
        .value("dr-syncer.io/replication", "");
  }
};

TEST_F(ReplicationTopologyE2ETest, BothDirectionsBetweenTheSameClustersAtOnce) {
  // A→B: the fixture's app namespace in `source` to `dr`.
  ASSERT_TRUE(source_.dynamic->Create(kCm, app_ns_, ConfigMap("a-config", "a1")).ok());
  ASSERT_TRUE(source_.dynamic->Create(kDeployments, app_ns_, Deployment("a-web", 2)).ok());
  // B→A: an application living in `dr`, protected into `source`. The
  // controller needs a writing identity in `source` for that direction.
  const std::string b_ns = app_ns_ + "-b";
  const std::string b_dr_ns = b_ns + "-dr";
  CreateNamespace(dr_, b_ns);
  ASSERT_TRUE(dr_.dynamic->Create(kCm, b_ns, ConfigMap("b-config", "b1")).ok());
  ASSERT_TRUE(dr_.dynamic->Create(kDeployments, b_ns, Deployment("b-web", 3)).ok());
  const std::string src_writer = "src-writer-" + app_ns_;
  const std::string src_writer_kc = RunTestbed({"user", "source", src_writer});
  RunTestbed({"kubectl", "source", "create", "clusterrolebinding", src_writer,
              "--clusterrole=cluster-admin", "--user=" + src_writer});
  std::ifstream in(src_writer_kc);
  PutKubeconfigSecret("src-w-kc", std::string(std::istreambuf_iterator<char>(in), {}));
  CreateRemoteCluster("src-w", "src-w-kc", "2s");

  CreateNamed("a-to-b", {{"sourceCluster", "src"},
                         {"destinationCluster", "dr"},
                         {"sourceNamespace", app_ns_},
                         {"destinationNamespace", dr_ns_}});
  CreateNamed("b-to-a", {{"sourceCluster", "dr"},
                         {"destinationCluster", "src-w"},
                         {"sourceNamespace", b_ns},
                         {"destinationNamespace", b_dr_ns}});
  auto syncer = StartDrSyncer("both-directions");
  ASSERT_TRUE(syncer.ok());
  ASSERT_TRUE(
      PollFor([&] { return PhaseOf("a-to-b") == "Synced" && PhaseOf("b-to-a") == "Synced"; },
              std::chrono::seconds(90)))
      << PhaseOf("a-to-b") << " / " << PhaseOf("b-to-a") << "\n"
      << syncer.Log();

  // Each copy landed in the other cluster, dormant, labelled with its own
  // Replication; nothing crossed into the wrong namespace.
  auto a_copy = dr_.dynamic->Get(kDeployments, dr_ns_, "a-web");
  ASSERT_TRUE(a_copy.ok()) << a_copy.error();
  EXPECT_EQ((*a_copy)["spec"]["replicas"], 0);
  EXPECT_EQ(OwnerLabel(*a_copy), ns_ + ".a-to-b");
  auto b_copy = source_.dynamic->Get(kDeployments, b_dr_ns, "b-web");
  ASSERT_TRUE(b_copy.ok()) << b_copy.error();
  EXPECT_EQ((*b_copy)["spec"]["replicas"], 0);
  EXPECT_EQ(OwnerLabel(*b_copy), ns_ + ".b-to-a");
  EXPECT_EQ(Value(dr_, dr_ns_, "a-config"), "a1");
  EXPECT_EQ(Value(source_, b_dr_ns, "b-config"), "b1");
  EXPECT_FALSE(dr_.dynamic->Get(kCm, dr_ns_, "b-config").ok());
  EXPECT_FALSE(source_.dynamic->Get(kCm, b_dr_ns, "a-config").ok());
  // The originals are untouched: still scaled up.
  EXPECT_EQ((*source_.dynamic->Get(kDeployments, app_ns_, "a-web"))["spec"]["replicas"], 2);
  EXPECT_EQ((*dr_.dynamic->Get(kDeployments, b_ns, "b-web"))["spec"]["replicas"], 3);

  // Changes on both sides at once each travel their own way.
  ASSERT_TRUE(source_.dynamic
                  ->Patch(kCm, app_ns_, "a-config", kubeclient::PatchType::kMerge,
                          {{"data", {{"value", "a2"}}}})
                  .ok());
  ASSERT_TRUE(dr_.dynamic
                  ->Patch(kCm, b_ns, "b-config", kubeclient::PatchType::kMerge,
                          {{"data", {{"value", "b2"}}}})
                  .ok());
  EXPECT_TRUE(
      PollFor([&] { return Value(dr_, dr_ns_, "a-config") == "a2"; }, std::chrono::seconds(20)))
      << syncer.Log();
  EXPECT_TRUE(PollFor([&] { return Value(source_, b_dr_ns, "b-config") == "b2"; },
                      std::chrono::seconds(20)))
      << syncer.Log();
  EXPECT_EQ(PhaseOf("a-to-b"), "Synced");
  EXPECT_EQ(PhaseOf("b-to-a"), "Synced");
  syncer.Signal(SIGTERM);
  EXPECT_EQ(syncer.Wait(std::chrono::seconds(10)), 0) << syncer.Log();
}

TEST_F(ReplicationTopologyE2ETest, OneSourceToTwoDestinations) {
  ASSERT_TRUE(source_.dynamic->Create(kCm, app_ns_, ConfigMap("config", "v1")).ok());
  ASSERT_TRUE(source_.dynamic->Create(kDeployments, app_ns_, Deployment("web", 4)).ok());
  const std::string second_ns = app_ns_ + "-dr2";
  CreateNamed("first", {{"sourceCluster", "src"},
                        {"destinationCluster", "dr"},
                        {"sourceNamespace", app_ns_},
                        {"destinationNamespace", dr_ns_}});
  // The second copy keeps its workloads at the source's scale: each
  // Replication's transforms are its own.
  CreateNamed("second", {{"sourceCluster", "src"},
                         {"destinationCluster", "dr"},
                         {"sourceNamespace", app_ns_},
                         {"destinationNamespace", second_ns},
                         {"scaleToZero", false}});
  auto syncer = StartDrSyncer("two-destinations");
  ASSERT_TRUE(syncer.ok());
  ASSERT_TRUE(PollFor([&] { return PhaseOf("first") == "Synced" && PhaseOf("second") == "Synced"; },
                      std::chrono::seconds(90)))
      << syncer.Log();
  auto first = dr_.dynamic->Get(kDeployments, dr_ns_, "web");
  auto second = dr_.dynamic->Get(kDeployments, second_ns, "web");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ((*first)["spec"]["replicas"], 0);
  EXPECT_EQ((*second)["spec"]["replicas"], 4);
  EXPECT_EQ(OwnerLabel(*first), ns_ + ".first");
  EXPECT_EQ(OwnerLabel(*second), ns_ + ".second");

  // One change reaches both copies.
  ASSERT_TRUE(source_.dynamic
                  ->Patch(kCm, app_ns_, "config", kubeclient::PatchType::kMerge,
                          {{"data", {{"value", "v2"}}}})
                  .ok());
  EXPECT_TRUE(PollFor(
      [&] {
        return Value(dr_, dr_ns_, "config") == "v2" && Value(dr_, second_ns, "config") == "v2";
      },
      std::chrono::seconds(20)))
      << syncer.Log();

  // Removing one Replication leaves the other working.
  ASSERT_TRUE(source_.dynamic->Delete(kReplicationsGvr, ns_, "first").ok());
  ASSERT_TRUE(PollFor([&] { return !source_.dynamic->Get(kReplicationsGvr, ns_, "first").ok(); },
                      std::chrono::seconds(20)));
  ASSERT_TRUE(source_.dynamic
                  ->Patch(kCm, app_ns_, "config", kubeclient::PatchType::kMerge,
                          {{"data", {{"value", "v3"}}}})
                  .ok());
  EXPECT_TRUE(
      PollFor([&] { return Value(dr_, second_ns, "config") == "v3"; }, std::chrono::seconds(20)))
      << syncer.Log();
  EXPECT_EQ(Value(dr_, dr_ns_, "config"), "v2");  // the first copy is no longer fed
  syncer.Signal(SIGTERM);
  EXPECT_EQ(syncer.Wait(std::chrono::seconds(10)), 0) << syncer.Log();
}

}  // namespace
}  // namespace drs::testing
