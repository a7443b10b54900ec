#include "controller/datasync/data_sync_status.h"

#include <gtest/gtest.h>

#include "base/rfc3339.h"

namespace drs::controller::datasync {
namespace {

using api::ConditionStatus;
using api::PvcSyncPhase;

Clock::WallTime T(const char* text) { return *ParseRfc3339(text); }

api::PvcStatus Pvc(const char* name, PvcSyncPhase phase, bool copied, const char* message = "") {
  api::PvcStatus p{.ns = "shop", .name = name, .phase = phase, .message = message};
  if (copied) p.last_sync_time = T("2026-01-01T00:00:00Z");
  return p;
}

api::ReplicationStatus Synced() {
  api::ReplicationStatus s;
  s.phase = api::ReplicationPhase::kSynced;
  api::SetCondition(s.conditions,
                    {.type = "Ready", .status = ConditionStatus::kTrue, .reason = "Synced"},
                    T("2026-01-01T00:00:00Z"));
  return s;
}

TEST(DataSyncStatusTest, ConditionTable) {
  const struct {
    const char* name;
    std::vector<api::PvcStatus> pvcs;
    ConditionStatus status;
    std::string reason;
    std::string message;
    api::ReplicationPhase phase;
  } cases[] = {
      {"no claims",
       {},
       ConditionStatus::kTrue,
       "NoClaims",
       "no claims to copy",
       api::ReplicationPhase::kSynced},
      {"all copied, one syncing again",
       {Pvc("a", PvcSyncPhase::kSynced, true), Pvc("b", PvcSyncPhase::kSyncing, true)},
       ConditionStatus::kTrue,
       "Synced",
       "2 claims copied",
       api::ReplicationPhase::kSynced},
      {"one without a copy yet",
       {Pvc("b", PvcSyncPhase::kSkipped, false, "not mounted"),
        Pvc("a", PvcSyncPhase::kSynced, true)},
       ConditionStatus::kFalse,
       "Pending",
       "1 of 2 claims have no copy yet; shop/b: not mounted",
       api::ReplicationPhase::kSynced},
      {"a failure degrades the Replication",
       {Pvc("a", PvcSyncPhase::kFailed, true, "permission denied"),
        Pvc("b", PvcSyncPhase::kPending, false)},
       ConditionStatus::kFalse,
       "SyncFailed",
       "1 of 2 claims failed; shop/a: permission denied",
       api::ReplicationPhase::kDegraded},
  };
  for (const auto& c : cases) {
    api::ReplicationStatus s = Synced();
    ApplyDataSyncStatus(s, c.pvcs, 4, T("2026-01-02T00:00:00Z"));
    const auto* cond = api::FindCondition(s.conditions, api::kConditionDataSynced);
    ASSERT_NE(cond, nullptr) << c.name;
    EXPECT_EQ(cond->status, c.status) << c.name;
    EXPECT_EQ(cond->reason, c.reason) << c.name;
    EXPECT_EQ(cond->message, c.message) << c.name;
    EXPECT_EQ(cond->observed_generation, 4) << c.name;
    EXPECT_EQ(s.phase, c.phase) << c.name;
    EXPECT_EQ(s.pvcs.size(), c.pvcs.size()) << c.name;
    const bool ready = api::IsConditionTrue(s.conditions, api::kConditionReady);
    EXPECT_EQ(ready, c.phase == api::ReplicationPhase::kSynced) << c.name;
  }
}

TEST(DataSyncStatusTest, ClaimsAreOrderedAndClearingRemovesEverything) {
  api::ReplicationStatus s = Synced();
  ApplyDataSyncStatus(
      s, {Pvc("b", PvcSyncPhase::kSynced, true), Pvc("a", PvcSyncPhase::kSynced, true)}, 1,
      T("2026-01-02T00:00:00Z"));
  ASSERT_EQ(s.pvcs.size(), 2u);
  EXPECT_EQ(s.pvcs[0].name, "a");
  ClearDataSyncStatus(s);
  EXPECT_TRUE(s.pvcs.empty());
  EXPECT_EQ(api::FindCondition(s.conditions, api::kConditionDataSynced), nullptr);
}

TEST(DataSyncStatusTest, UnchangedInputsChangeNothing) {
  api::ReplicationStatus s = Synced();
  const std::vector<api::PvcStatus> pvcs = {Pvc("a", PvcSyncPhase::kSynced, true)};
  ApplyDataSyncStatus(s, pvcs, 1, T("2026-01-02T00:00:00Z"));
  const api::ReplicationStatus first = s;
  ApplyDataSyncStatus(s, pvcs, 1, T("2026-01-03T00:00:00Z"));
  EXPECT_EQ(s, first) << "a reconcile that observes the same must not write status";
}

}  // namespace
}  // namespace drs::controller::datasync
