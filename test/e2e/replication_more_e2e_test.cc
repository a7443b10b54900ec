// More Replication behaviour with the real binary: the deprecated
// NamespaceMapping runs as a Replication, and a second Replication aiming at
// the same destination namespace reports a conflict instead of fighting.

#include <signal.h>

#include <gmock/gmock.h>

#include "e2e/replication_fixture.h"

namespace drs::testing {
namespace {

using nlohmann::json;

const kube::GroupVersionResource kMappings{"dr-syncer.io", "v1alpha1", "namespacemappings"};
const kube::GroupVersionResource kCm{"", "v1", "configmaps"};

class ReplicationMoreE2ETest : public ReplicationFixture {
 protected:
  void SeedConfigMap() {
    ASSERT_TRUE(source_.dynamic
                    ->Create(kCm, app_ns_,
                             {{"apiVersion", "v1"},
                              {"kind", "ConfigMap"},
                              {"metadata", {{"name", "settings"}}},
                              {"data", {{"k", "v"}}}})
                    .ok());
  }
  std::string PhaseOf(const std::string& name) {
    auto r = source_.dynamic->Get(kReplicationsGvr, ns_, name);
    return r.ok() ? r->value("status", json::object()).value("phase", "") : "";
  }
};

TEST_F(ReplicationMoreE2ETest, NamespaceMappingRunsAsAnOwnedReplication) {
  SeedConfigMap();
  auto created = source_.dynamic->Create(kMappings, ns_,
                                         {{"apiVersion", "dr-syncer.io/v1alpha1"},
                                          {"kind", "NamespaceMapping"},
                                          {"metadata", {{"name", "legacy"}, {"namespace", ns_}}},
                                          {"spec",
                                           {{"sourceCluster", "src"},
                                            {"destinationCluster", "dr"},
                                            {"sourceNamespace", app_ns_},
                                            {"destinationNamespace", dr_ns_},
                                            {"replicationMode", "Manual"}}}});
  ASSERT_TRUE(created.ok()) << created.error();
  auto syncer = StartDrSyncer("mapping");
  ASSERT_TRUE(syncer.ok());
  ASSERT_TRUE(PollFor([&] { return PhaseOf("legacy") == "Synced"; }, std::chrono::seconds(60)))
      << syncer.Log();
  auto repl = source_.dynamic->Get(kReplicationsGvr, ns_, "legacy");
  ASSERT_TRUE(repl.ok());
  EXPECT_EQ(repl->at("metadata").at("labels").at("dr-syncer.io/namespace-mapping"), "legacy");
  EXPECT_EQ(repl->at("metadata").at("ownerReferences")[0].at("kind"), "NamespaceMapping");
  auto mapping = source_.dynamic->Get(kMappings, ns_, "legacy");
  ASSERT_TRUE(mapping.ok());
  EXPECT_EQ(mapping->at("status").at("replicationRef").at("name"), "legacy");
  EXPECT_THAT(mapping->at("status").at("conditions").dump(), ::testing::HasSubstr("Deprecated"));
  EXPECT_TRUE(dr_.dynamic->Get(kCm, dr_ns_, "settings").ok());
  syncer.Signal(SIGTERM);
  EXPECT_EQ(syncer.Wait(std::chrono::seconds(10)), 0) << syncer.Log();
}

TEST_F(ReplicationMoreE2ETest, ASecondReplicationIntoTheSameNamespaceReportsAConflict) {
  SeedConfigMap();
  CreateReplication({});
  auto syncer = StartDrSyncer("conflict");
  ASSERT_TRUE(syncer.ok());
  ASSERT_TRUE(PollFor([&] { return PhaseOf("app") == "Synced"; }, std::chrono::seconds(60)))
      << syncer.Log();
  auto second = source_.dynamic->Create(kReplicationsGvr, ns_,
                                        {{"apiVersion", "dr-syncer.io/v1alpha1"},
                                         {"kind", "Replication"},
                                         {"metadata", {{"name", "intruder"}, {"namespace", ns_}}},
                                         {"spec",
                                          {{"sourceCluster", "src"},
                                           {"destinationCluster", "dr"},
                                           {"sourceNamespace", app_ns_},
                                           {"destinationNamespace", dr_ns_},
                                           {"replicationMode", "Manual"}}}});
  ASSERT_TRUE(second.ok()) << second.error();
  ASSERT_TRUE(PollFor([&] { return PhaseOf("intruder") == "Failed"; }, std::chrono::seconds(30)))
      << syncer.Log();
  auto intruder = source_.dynamic->Get(kReplicationsGvr, ns_, "intruder");
  ASSERT_TRUE(intruder.ok());
  EXPECT_THAT(intruder->at("status").at("conditions").dump(),
              ::testing::HasSubstr("NamespaceConflict"));
  EXPECT_EQ(PhaseOf("app"), "Synced") << "the first Replication is not disturbed";
  syncer.Signal(SIGTERM);
  EXPECT_EQ(syncer.Wait(std::chrono::seconds(10)), 0) << syncer.Log();
}

}  // namespace
}  // namespace drs::testing
