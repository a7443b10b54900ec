#include "controller/replication/status_plan.h"

#include <gtest/gtest.h>

namespace drs::controller {
namespace {

using std::chrono::seconds;

Clock::WallTime T(int s) {
  return Clock::WallTime{} + std::chrono::hours(24 * 365 * 56) + seconds(s);
}

api::Replication FullySynced() {
  api::Replication r;
  r.metadata.ns = "ops";
  r.metadata.name = "shop";
  r.metadata.generation = 2;
  r.spec.source_namespace = "shop";
  r.status.phase = api::ReplicationPhase::kSynced;
  r.status.observed_generation = 2;
  r.status.last_sync_time = T(0);
  r.status.last_successful_sync_time = T(0);
  r.status.counts = api::SyncCounts{.total = 10, .unchanged = 10};
  r.status.remembered_scales = {{.kind = "Deployment", .ns = "shop", .name = "web", .replicas = 3}};
  return r;
}

SyncAttempt Targeted(std::vector<sync::RememberedScale> scales) {
  SyncAttempt a;
  a.started = T(10);
  a.finished = T(11);
  a.next_sync = T(300);
  a.report = sync::SyncReport{};
  a.report->total = 1;
  a.report->updated = 1;
  a.report->scales = std::move(scales);
  return a;
}

TEST(PlanTargetedStatusTest, MovesTimesKeepsTheFullPicture) {
  const auto r = FullySynced();
  const auto s =
      PlanTargetedStatus(r, Targeted({{"Deployment", "web", 5}, {"StatefulSet", "db", 1}}));
  EXPECT_EQ(s.last_sync_time, T(11));
  EXPECT_EQ(s.last_successful_sync_time, T(11));
  EXPECT_EQ(s.next_sync_time, T(300));
  EXPECT_EQ(s.counts, r.status.counts);  // the last full sync's counts
  EXPECT_EQ(s.phase, api::ReplicationPhase::kSynced);
  ASSERT_EQ(s.remembered_scales.size(), 2u);
  EXPECT_EQ(s.remembered_scales[0].replicas, 5);  // refreshed in place
  EXPECT_EQ(s.remembered_scales[1].name, "db");
}

TEST(PlanTargetedStatusTest, ADegradedNamespaceIsNotCalledSuccessful) {
  auto r = FullySynced();
  r.status.phase = api::ReplicationPhase::kDegraded;
  const auto s = PlanTargetedStatus(r, Targeted({}));
  EXPECT_EQ(s.last_sync_time, T(11));
  EXPECT_EQ(s.last_successful_sync_time, T(0));
  EXPECT_EQ(s.phase, api::ReplicationPhase::kDegraded);
}

}  // namespace
}  // namespace drs::controller
