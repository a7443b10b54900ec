#include "sync/sync_memo.h"

#include <gtest/gtest.h>

namespace drs::sync {
namespace {

SyncMemo::Entry E(std::string src, std::string dst) {
  return {.source_version = std::move(src),
          .destination_version = std::move(dst),
          .hash = "h",
          .kind = "Deployment",
          .original_replicas = 3};
}

TEST(SyncMemoTest, VerifiedOnlyWhenBothVersionsMatch) {
  SyncMemo memo;
  memo.Put("deployments", "web", E("10", "20"));
  ASSERT_TRUE(memo.Verified("deployments", "web", "10", "20"));
  EXPECT_EQ(memo.Verified("deployments", "web", "10", "20")->original_replicas, 3);
  EXPECT_FALSE(memo.Verified("deployments", "web", "11", "20"));  // the source changed
  EXPECT_FALSE(memo.Verified("deployments", "web", "10", "21"));  // the DR copy was edited
  EXPECT_FALSE(memo.Verified("deployments", "api", "10", "20"));
  EXPECT_FALSE(memo.Verified("services", "web", "10", "20"));
}

TEST(SyncMemoTest, EmptyVersionsProveNothing) {
  SyncMemo memo;
  memo.Put("configmaps", "a", E("", ""));
  EXPECT_FALSE(memo.Verified("configmaps", "a", "", ""));
}

TEST(SyncMemoTest, EraseAndRetain) {
  SyncMemo memo;
  memo.Put("configmaps", "a", E("1", "2"));
  memo.Put("configmaps", "b", E("1", "2"));
  memo.Put("secrets", "s", E("1", "2"));
  memo.Erase("configmaps", "a");
  EXPECT_FALSE(memo.Verified("configmaps", "a", "1", "2"));
  memo.Retain("configmaps", {{"c", E("5", "6")}});
  EXPECT_FALSE(memo.Verified("configmaps", "b", "1", "2"));
  EXPECT_TRUE(memo.Verified("configmaps", "c", "5", "6"));
  EXPECT_TRUE(memo.Verified("secrets", "s", "1", "2"));
  EXPECT_EQ(memo.size(), 2u);
}

}  // namespace
}  // namespace drs::sync
