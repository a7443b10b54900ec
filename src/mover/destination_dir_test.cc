#include "mover/destination_dir.h"

#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "base/test_temp_dir.h"

namespace drs::mover {
namespace {

namespace fs = std::filesystem;

TEST(DestinationDirTest, CheckNamesTheProblem) {
  test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  EXPECT_TRUE(CheckDestination(dir.path()).ok());
  const std::string file = dir.WriteFile("file", "x");
  for (const std::string& bad : {dir.Join("missing"), file}) {
    auto st = CheckDestination(bad);
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_EQ(st.error().code(), ErrorCode::kFailedPrecondition);
    EXPECT_NE(st.error().message().find(bad), std::string::npos) << st.error();
  }
}

TEST(DestinationDirTest, PrepareEmptiesWhatAKilledRunLeft) {
  test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  fs::create_directories(dir.Join(".dr-syncer-tmp/sub"));
  dir.WriteFile(".dr-syncer-tmp/sub/big.AbC123", "half a file");
  ASSERT_TRUE(PrepareTempDir(dir.path()).ok());
  EXPECT_TRUE(fs::is_empty(dir.Join(".dr-syncer-tmp")));
  struct stat st {};
  ASSERT_EQ(::stat(dir.Join(".dr-syncer-tmp").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  ASSERT_TRUE(RemoveTempDir(dir.path()).ok());
  EXPECT_FALSE(fs::exists(dir.Join(".dr-syncer-tmp")));
  EXPECT_TRUE(RemoveTempDir(dir.path()).ok());  // already gone is fine
}

TEST(DestinationDirTest, ASymlinkInPlaceOfTheTempDirIsNotFollowed) {
  test::TempDir dir;
  test::TempDir elsewhere;
  ASSERT_TRUE(dir.ok() && elsewhere.ok());
  elsewhere.WriteFile("precious", "keep me");
  ASSERT_EQ(::symlink(elsewhere.path().c_str(), dir.Join(".dr-syncer-tmp").c_str()), 0);
  ASSERT_TRUE(PrepareTempDir(dir.path()).ok());
  EXPECT_EQ(elsewhere.ReadFile("precious"), "keep me");
  EXPECT_TRUE(fs::is_directory(fs::symlink_status(dir.Join(".dr-syncer-tmp"))));
}

TEST(DestinationDirTest, ProbeFindsAclsAndXattrsOnExt4XfsOrBtrfs) {
  // Those keep both by default; a file system without them (ramfs) is
  // covered by the integration test.
  test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  struct statfs fs_info {};
  ASSERT_EQ(::statfs(dir.path().c_str(), &fs_info), 0);
  if (fs_info.f_type != EXT4_SUPER_MAGIC && fs_info.f_type != XFS_SUPER_MAGIC &&
      fs_info.f_type != BTRFS_SUPER_MAGIC) {
    GTEST_SKIP() << "temp dir is not on ext4, xfs or btrfs";
  }
  ASSERT_TRUE(PrepareTempDir(dir.path()).ok());
  const DestinationSupport support = ProbeDestinationSupport(dir.path());
  EXPECT_TRUE(support.xattrs);
  EXPECT_TRUE(support.acls);
  EXPECT_TRUE(fs::is_empty(dir.Join(".dr-syncer-tmp")));  // the probe file is gone
}

}  // namespace
}  // namespace drs::mover
