#include "controller/replication/sync_decision.h"

#include <gtest/gtest.h>

#include "base/fake_clock.h"

namespace drs::controller {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

// 2026-01-01T00:00:00Z (FakeClock's wall epoch) as the reference.
Clock::WallTime T0() { return FakeClock().WallNow(); }

api::Replication Synced(api::ReplicationMode mode, Clock::WallTime last_sync) {
  api::Replication r;
  r.metadata.generation = 2;
  r.spec.replication_mode = mode;
  r.status.observed_generation = 2;
  r.status.last_sync_time = last_sync;
  return r;
}

TEST(SyncDecisionTest, FirstSyncAndSpecChangesRunAtOnce) {
  api::Replication fresh;
  fresh.metadata.generation = 1;
  EXPECT_TRUE(DecideSync(fresh, "*/5 * * * *", T0(), false).sync_now);
  auto changed = Synced(api::ReplicationMode::kManual, T0());
  changed.metadata.generation = 3;
  const auto d = DecideSync(changed, "", T0() + seconds(1), false);
  EXPECT_TRUE(d.sync_now);
  EXPECT_EQ(d.why, "the spec changed");
}

TEST(SyncDecisionTest, PausedNeverSyncs) {
  api::Replication r;
  r.metadata.generation = 5;
  r.spec.paused = true;
  r.metadata.annotations[std::string(api::kSyncNowAnnotation)] = "t";
  const auto d = DecideSync(r, "* * * * *", T0(), true);
  EXPECT_FALSE(d.sync_now);
  EXPECT_FALSE(d.next_sync);
}

TEST(SyncDecisionTest, ManualRunsOncePerToken) {
  auto r = Synced(api::ReplicationMode::kManual, T0());
  EXPECT_FALSE(DecideSync(r, "", T0() + minutes(10), false).sync_now);
  r.metadata.annotations[std::string(api::kSyncNowAnnotation)] = "token-1";
  auto d = DecideSync(r, "", T0() + minutes(10), false);
  EXPECT_TRUE(d.sync_now);
  EXPECT_EQ(d.trigger, "token-1");
  r.status.last_handled_trigger = "token-1";  // what the status records after that sync
  EXPECT_FALSE(DecideSync(r, "", T0() + minutes(11), false).sync_now);
  EXPECT_FALSE(DecideSync(r, "", T0() + minutes(11), true).sync_now)
      << "source changes do not matter";
}

TEST(SyncDecisionTest, ScheduledRunsAtTicksAndAMissedTickOnce) {
  // Every 5 minutes; last sync at 00:00.
  const auto r = Synced(api::ReplicationMode::kScheduled, T0());
  auto d = DecideSync(r, "*/5 * * * *", T0() + minutes(3), false);
  EXPECT_FALSE(d.sync_now);
  EXPECT_EQ(d.next_sync, T0() + minutes(5));
  d = DecideSync(r, "*/5 * * * *", T0() + minutes(5), false);
  EXPECT_TRUE(d.sync_now);
  // The controller was down for an hour: 12 ticks missed, one sync now, and
  // the next at the following tick.
  d = DecideSync(r, "*/5 * * * *", T0() + minutes(62), false);
  EXPECT_TRUE(d.sync_now);
  EXPECT_EQ(d.why, "scheduled");
  EXPECT_EQ(d.next_sync, T0() + minutes(65));
}

TEST(SyncDecisionTest, ScheduledAlsoHonoursSyncNow) {
  auto r = Synced(api::ReplicationMode::kScheduled, T0());
  r.metadata.annotations[std::string(api::kSyncNowAnnotation)] = "now";
  const auto d = DecideSync(r, "@daily", T0() + minutes(1), false);
  EXPECT_TRUE(d.sync_now);
  EXPECT_EQ(d.trigger, "now");
}

TEST(SyncDecisionTest, ContinuousOnChangeOrBackgroundInterval) {
  auto r = Synced(api::ReplicationMode::kContinuous, T0());
  r.spec.continuous.background_sync_interval = minutes(5);
  EXPECT_FALSE(DecideSync(r, "", T0() + minutes(1), false).sync_now);
  EXPECT_TRUE(DecideSync(r, "", T0() + minutes(1), true).sync_now);
  const auto d = DecideSync(r, "", T0() + minutes(5), false);
  EXPECT_TRUE(d.sync_now);
  EXPECT_EQ(d.why, "background resync");
  EXPECT_EQ(d.next_sync, T0() + minutes(10));
  EXPECT_FALSE(d.source_change_only);
}

TEST(SyncDecisionTest, OnlySourceChangesMayTakeTheTargetedPath) {
  auto r = Synced(api::ReplicationMode::kContinuous, T0());
  EXPECT_TRUE(DecideSync(r, "", T0() + minutes(1), true).source_change_only);
  // A new spec needs the whole namespace.
  r.metadata.generation = r.status.observed_generation + 1;
  EXPECT_FALSE(DecideSync(r, "", T0() + minutes(1), true).source_change_only);
  // So does a sync-now token.
  auto manual = Synced(api::ReplicationMode::kContinuous, T0());
  manual.metadata.annotations[std::string(api::kSyncNowAnnotation)] = "t1";
  EXPECT_FALSE(DecideSync(manual, "", T0() + minutes(1), true).source_change_only);
}

}  // namespace
}  // namespace drs::controller
