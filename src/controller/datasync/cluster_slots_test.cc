#include "controller/datasync/cluster_slots.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace drs::controller::datasync {
namespace {

TEST(ClusterSlotsTest, SharesTheLimitOfOneClusterBetweenReplications) {
  ClusterSlots slots(4);
  EXPECT_EQ(slots.Available("prod", "shop/a", 0), 4);
  slots.Started("prod", "shop/a", 3);
  EXPECT_EQ(slots.Available("prod", "shop/b", 0), 1);
  slots.Started("prod", "shop/b", 1);
  EXPECT_EQ(slots.Available("prod", "shop/b", 1), 0);
  // Another cluster has its own limit.
  EXPECT_EQ(slots.Available("edge", "shop/c", 0), 4);
  // a's movers finished: its report frees the slots.
  EXPECT_EQ(slots.Available("prod", "shop/a", 0), 3);
  slots.Forget("shop/b");
  EXPECT_EQ(slots.Available("prod", "shop/a", 0), 4);
}

TEST(ClusterSlotsTest, AReplicationThatMovedClustersIsCountedOnce) {
  ClusterSlots slots(2);
  slots.Started("prod", "shop/a", 2);
  EXPECT_EQ(slots.Available("edge", "shop/a", 0), 2);
  EXPECT_EQ(slots.Available("prod", "shop/b", 0), 2);
}

TEST(ClusterSlotsTest, ZeroMeansUnlimited) {
  ClusterSlots slots(0);
  slots.Started("prod", "shop/a", 1000);
  EXPECT_GT(slots.Available("prod", "shop/b", 0), 1000);
}

TEST(ClusterSlotsTest, ConcurrentReportsKeepExactCounts) {
  ClusterSlots slots(1'000'000);
  constexpr int kThreads = 8;
  constexpr int kStarts = 1000;
  std::vector<std::jthread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&slots, t] {
      for (int i = 0; i < kStarts; ++i) slots.Started("prod", "r" + std::to_string(t), 1);
    });
  }
  threads.clear();
  EXPECT_EQ(slots.Available("prod", "other", 0), 1'000'000 - kThreads * kStarts);
}

}  // namespace
}  // namespace drs::controller::datasync
