// More Replication behaviour with the real binary: the deprecated
// NamespaceMapping runs as a Replication, a second Replication aiming at
// the same destination namespace reports a conflict instead of fighting, and
// a Scheduled tick missed while the controller was down runs once on start.

#include <signal.h>

#include <gmock/gmock.h>

#include "base/rfc3339.h"
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

TEST_F(ReplicationMoreE2ETest, AScheduledTickMissedWhileDownRunsOnceOnStart) {
  SeedConfigMap();
  CreateReplication({{"replicationMode", "Scheduled"}, {"schedule", "0 * * * *"}});
  {
    auto first = StartDrSyncer("missed-tick-1");
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(PollFor([&] { return Phase() == "Synced"; }, std::chrono::seconds(60)))
        << first.Log();
    first.Signal(SIGTERM);
    ASSERT_EQ(first.Wait(std::chrono::seconds(10)), 0) << first.Log();
  }
  // The controller was down for three hours: its last sync is older than the
  // latest hourly tick. (The status is what a controller would have left.)
  const auto three_hours_ago = std::chrono::system_clock::now() - std::chrono::hours(3);
  const std::string then = FormatRfc3339(three_hours_ago);
  auto repl = Replication();
  repl["status"]["lastSyncTime"] = then;
  repl["status"]["lastSuccessfulSyncTime"] = then;
  auto written = source_.dynamic->UpdateStatus(kReplicationsGvr, ns_, repl);
  ASSERT_TRUE(written.ok()) << written.error();
  ASSERT_TRUE(source_.dynamic
                  ->Patch(kCm, app_ns_, "settings", kubeclient::PatchType::kMerge,
                          {{"data", {{"k", "while-down"}}}})
                  .ok());

  auto second = StartDrSyncer("missed-tick-2");
  ASSERT_TRUE(second.ok());
  // Caught up once, at once: not three times, and not at the next tick.
  ASSERT_TRUE(PollFor(
      [&] {
        auto cm = dr_.dynamic->Get(kCm, dr_ns_, "settings");
        return cm.ok() && (*cm)["data"]["k"] == "while-down";
      },
      std::chrono::seconds(30)))
      << second.Log();
  ASSERT_TRUE(PollFor([&] { return Replication()["status"].value("lastSyncTime", "") != then; },
                      std::chrono::seconds(10)));
  const auto status = Replication()["status"];
  EXPECT_EQ(status.value("phase", ""), "Synced");
  // The next sync is the next hourly tick, in the future.
  const auto next = ParseRfc3339(status.value("nextSyncTime", ""));
  ASSERT_TRUE(next.ok()) << status.dump();
  EXPECT_GT(*next, std::chrono::system_clock::now());
  EXPECT_LE(*next, std::chrono::system_clock::now() + std::chrono::hours(1));
  const std::string log = second.Log();
  int syncs = 0;
  for (auto at = log.find("sync starting"); at != std::string::npos;
       at = log.find("sync starting", at + 1)) {
    ++syncs;
  }
  EXPECT_EQ(syncs, 1) << log;
  EXPECT_NE(log.find("scheduled"), std::string::npos) << log;
  second.Signal(SIGTERM);
  EXPECT_EQ(second.Wait(std::chrono::seconds(10)), 0) << second.Log();
}

}  // namespace
}  // namespace drs::testing
