// Replication rules end to end: immutable changes handled per
// immutableResourceConfig, label-based namespace selection, and a broken
// Replication reported in its own status without disturbing a healthy one.

#include <signal.h>

#include <gmock/gmock.h>

#include "e2e/replication_fixture.h"

namespace drs::testing {
namespace {

using nlohmann::json;

const kube::GroupVersionResource kCm{"", "v1", "configmaps"};
const kube::GroupVersionResource kNs{"", "v1", "namespaces"};

class ReplicationRulesE2ETest : public ReplicationFixture {
 protected:
  json Status(const std::string& name) {
    auto r = source_.dynamic->Get(kReplicationsGvr, ns_, name);
    return r.ok() ? r->value("status", json::object()) : json::object();
  }
  bool SyncNamed(const std::string& name, const std::string& token) {
    if (!source_.dynamic
             ->Patch(kReplicationsGvr, ns_, name, kubeclient::PatchType::kMerge,
                     {{"metadata", {{"annotations", {{"dr-syncer.io/sync-now", token}}}}}})
             .ok()) {
      return false;
    }
    return PollFor([&] { return Status(name).value("lastHandledTrigger", "") == token; },
                   std::chrono::seconds(30));
  }
};

TEST_F(ReplicationRulesE2ETest, ImmutableChangeIsReportedThenRecreatedWhenAsked) {
  ASSERT_TRUE(source_.dynamic
                  ->Create(kCm, app_ns_,
                           {{"apiVersion", "v1"},
                            {"kind", "ConfigMap"},
                            {"metadata", {{"name", "frozen"}}},
                            {"immutable", true},
                            {"data", {{"v", "1"}}}})
                  .ok());
  CreateReplication(json::object());
  auto syncer = StartDrSyncer("immutable");
  ASSERT_TRUE(syncer.ok());
  ASSERT_TRUE(PollFor([&] { return Phase() == "Synced"; }, std::chrono::seconds(60)))
      << syncer.Log();
  // The source is replaced (immutable objects can only be recreated).
  ASSERT_TRUE(source_.dynamic->Delete(kCm, app_ns_, "frozen").ok());
  ASSERT_TRUE(source_.dynamic
                  ->Create(kCm, app_ns_,
                           {{"apiVersion", "v1"},
                            {"kind", "ConfigMap"},
                            {"metadata", {{"name", "frozen"}}},
                            {"immutable", true},
                            {"data", {{"v", "2"}}}})
                  .ok());
  ASSERT_TRUE(SyncNamed("app", "nochange"));
  EXPECT_EQ(Phase(), "Degraded");
  EXPECT_THAT(Status("app")["failures"].dump(), ::testing::HasSubstr("immutable"));
  EXPECT_EQ(Dr({"", "v1", "configmaps"}, "frozen")["data"]["v"], "1") << "NoChange leaves the copy";

  ASSERT_TRUE(
      source_.dynamic
          ->Patch(kReplicationsGvr, ns_, "app", kubeclient::PatchType::kMerge,
                  {{"spec", {{"immutableResourceConfig", {{"defaultHandling", "Recreate"}}}}}})
          .ok());
  EXPECT_TRUE(PollFor(
      [&] {
        return Dr({"", "v1", "configmaps"}, "frozen")["data"]["v"] == "2";
      },
      std::chrono::seconds(30)))
      << syncer.Log();
  EXPECT_TRUE(PollFor([&] { return Phase() == "Synced"; }, std::chrono::seconds(30)));
  syncer.Signal(SIGTERM);
  EXPECT_EQ(syncer.Wait(std::chrono::seconds(10)), 0) << syncer.Log();
}

TEST_F(ReplicationRulesE2ETest, NamespaceSelectorReplicatesEveryLabelledNamespace) {
  // Two more labelled namespaces next to app_ns_; the reader may read them too.
  std::vector<std::string> picked = {app_ns_ + "-a", app_ns_ + "-b"};
  for (const auto& ns : picked) {
    ASSERT_TRUE(source_.dynamic
                    ->Create(kNs, "",
                             {{"apiVersion", "v1"},
                              {"kind", "Namespace"},
                              {"metadata", {{"name", ns}, {"labels", {{"dr-test", app_ns_}}}}}})
                    .ok());
    RunTestbed({"kubectl", "source", "-n", ns, "create", "rolebinding", "read-all",
                "--clusterrole=view", "--user=" + reader_});
    ASSERT_TRUE(source_.dynamic
                    ->Create(kCm, ns,
                             {{"apiVersion", "v1"},
                              {"kind", "ConfigMap"},
                              {"metadata", {{"name", "marker"}}},
                              {"data", {{"from", ns}}}})
                    .ok());
  }
  RunTestbed({"kubectl", "source", "create", "clusterrole", "ns-list-" + app_ns_, "--verb=list",
              "--resource=namespaces"});
  RunTestbed({"kubectl", "source", "create", "clusterrolebinding", "ns-list-" + app_ns_,
              "--clusterrole=ns-list-" + app_ns_, "--user=" + reader_});
  auto r =
      source_.dynamic->Create(kReplicationsGvr, ns_,
                              {{"apiVersion", "dr-syncer.io/v1alpha1"},
                               {"kind", "Replication"},
                               {"metadata", {{"name", "by-label"}, {"namespace", ns_}}},
                               {"spec",
                                {{"sourceCluster", "src"},
                                 {"destinationCluster", "dr"},
                                 {"namespaceSelector", {{"matchLabels", {{"dr-test", app_ns_}}}}},
                                 {"destinationNamespacePattern", "{namespace}-dr"},
                                 {"resourceTypes", json::array({"configmaps"})},
                                 {"replicationMode", "Continuous"},
                                 {"continuous", {{"debounce", "200ms"}}}}}});
  ASSERT_TRUE(r.ok()) << r.error();
  auto syncer = StartDrSyncer("selector");
  ASSERT_TRUE(syncer.ok());
  ASSERT_TRUE(PollFor([&] { return Status("by-label").value("phase", "") == "Synced"; },
                      std::chrono::seconds(60)))
      << Status("by-label").dump() << syncer.Log();
  for (const auto& ns : picked) {
    auto cm = dr_.dynamic->Get(kCm, ns + "-dr", "marker");
    ASSERT_TRUE(cm.ok()) << ns;
    EXPECT_EQ(cm->at("data").at("from"), ns);
  }
  EXPECT_FALSE(dr_.dynamic->Get(kNs, "", app_ns_ + "-dr").ok())
      << "the unlabelled namespace is not picked";
  // Continuous mode watches every picked namespace: a change in one arrives
  // in its own DR namespace well before any background resync (5 minutes).
  ASSERT_TRUE(source_.dynamic
                  ->Patch(kCm, picked[1], "marker", kubeclient::PatchType::kMerge,
                          {{"data", {{"from", "changed"}}}})
                  .ok());
  EXPECT_TRUE(PollFor(
      [&] {
        auto cm = dr_.dynamic->Get(kCm, picked[1] + "-dr", "marker");
        return cm.ok() && cm->at("data").at("from") == "changed";
      },
      std::chrono::seconds(15)))
      << syncer.Log();
  syncer.Signal(SIGTERM);
  EXPECT_EQ(syncer.Wait(std::chrono::seconds(10)), 0) << syncer.Log();
}

TEST_F(ReplicationRulesE2ETest, ABrokenReplicationDoesNotDisturbAHealthyOne) {
  ASSERT_TRUE(
      source_.dynamic
          ->Create(kCm, app_ns_,
                   {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "ok"}}}})
          .ok());
  CreateReplication(json::object());
  auto broken = source_.dynamic->Create(kReplicationsGvr, ns_,
                                        {{"apiVersion", "dr-syncer.io/v1alpha1"},
                                         {"kind", "Replication"},
                                         {"metadata", {{"name", "broken"}, {"namespace", ns_}}},
                                         {"spec",
                                          {{"sourceCluster", "no-such-cluster"},
                                           {"destinationCluster", "dr"},
                                           {"sourceNamespace", app_ns_},
                                           {"destinationNamespace", app_ns_ + "-x"},
                                           {"replicationMode", "Manual"}}}});
  ASSERT_TRUE(broken.ok()) << broken.error();
  auto syncer = StartDrSyncer("broken");
  ASSERT_TRUE(syncer.ok());
  ASSERT_TRUE(PollFor([&] { return Phase() == "Synced"; }, std::chrono::seconds(60)))
      << syncer.Log();
  ASSERT_TRUE(PollFor([&] { return Status("broken").value("phase", "") == "Pending"; },
                      std::chrono::seconds(30)));
  EXPECT_THAT(Status("broken")["conditions"].dump(), ::testing::HasSubstr("RemoteClusterNotFound"));
  EXPECT_THAT(Status("broken")["message"].get<std::string>(),
              ::testing::HasSubstr("no-such-cluster"));
  syncer.Signal(SIGTERM);
  EXPECT_EQ(syncer.Wait(std::chrono::seconds(10)), 0) << syncer.Log();
}

}  // namespace
}  // namespace drs::testing
