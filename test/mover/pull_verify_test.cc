// Verification after the transfer, and a destination that keeps no ACLs or
// extended attributes, against the real sshd, ssh and rsync.

#include <sys/mount.h>
#include <sys/xattr.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pull_test_fixture.h"
#include "source_tree.h"
#include "tree_manifest.h"

namespace drs::mover::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// A tree of 100 small files plus one we corrupt.
class MoverVerifyTest : public MoverPullTest {
 protected:
  void SetUp() override {
    MoverPullTest::SetUp();
    if (HasFatalFailure()) return;
    fs::create_directories(source_ + "/dir");
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE(WriteRandomFile(source_ + "/dir/f" + std::to_string(i), 100 + i,
                                  static_cast<std::uint64_t>(i + 1))
                      .ok());
    }
    ASSERT_TRUE(WriteRandomFile(source_ + "/target.bin", 1 << 20, 77).ok());
    const PullResult first = Pull(Options());
    ASSERT_TRUE(first.succeeded) << first.reason;
  }

  PullResult Verify(Verification mode, std::int64_t percent = 100) {
    PullOptions o = Options();
    o.verification = mode;
    o.sample_percent = percent;
    return Pull(o);
  }
};

TEST_F(MoverVerifyTest, FullVerificationOfAnIntactCopySucceeds) {
  const PullResult r = Verify(Verification::kFull);
  ASSERT_TRUE(r.succeeded) << r.reason;
  EXPECT_EQ(r.verification.mode, Verification::kFull);
  EXPECT_EQ(r.verification.checked, 101);
  EXPECT_EQ(r.verification.mismatches, 0);
}

TEST_F(MoverVerifyTest, SampleVerificationChecksTheShare) {
  const PullResult r = Verify(Verification::kSample, 10);
  ASSERT_TRUE(r.succeeded) << r.reason;
  EXPECT_EQ(r.verification.checked, 11);  // ceil(101 x 10%)
  EXPECT_EQ(r.verification.mismatches, 0);
}

TEST_F(MoverVerifyTest, FullVerificationFindsACorruptedFileAndCallsItTerminal) {
  ASSERT_TRUE(CorruptByteKeepingTimes(dest_ + "/target.bin", 4242).ok());
  const PullResult r = Verify(Verification::kFull);
  EXPECT_FALSE(r.succeeded);
  EXPECT_FALSE(r.retryable) << "a plain sync cannot repair this, so retrying cannot help";
  EXPECT_EQ(r.verification.mismatches, 1);
  EXPECT_EQ(r.verification.checked, 101);
  EXPECT_THAT(r.reason, HasSubstr(">fc"));
  EXPECT_THAT(r.reason, HasSubstr("target.bin"));
  EXPECT_THAT(r.reason, HasSubstr("size and modification time match"));
}

TEST_F(MoverVerifyTest, SampleVerificationFindsACorruptedFile) {
  ASSERT_TRUE(CorruptByteKeepingTimes(dest_ + "/dir/f42", 7).ok());
  const PullResult r = Verify(Verification::kSample, 100);
  EXPECT_FALSE(r.succeeded);
  EXPECT_EQ(r.verification.checked, 101);
  EXPECT_EQ(r.verification.mismatches, 1);
  EXPECT_THAT(r.reason, HasSubstr("dir/f42"));
}

TEST_F(MoverVerifyTest, ASourceWrittenDuringTheRunIsARetryableMismatch) {
  // The source changes after the transfer and before the check: the hook
  // runs as the checksum pass's rsync starts, long before its ssh
  // connection is up and the sender reads the file.
  ASSERT_TRUE(WriteRandomFile(source_ + "/dir/f3", 103, 1234).ok());
  int started = 0;
  PullOptions o = Options();
  o.verification = Verification::kFull;
  const PullResult r = RunPull(o, {}, {.on_rsync_started = [&](pid_t) {
                                 if (++started == 2) {
                                   ASSERT_TRUE(WriteRandomFile(source_ + "/dir/f3", 500, 9).ok());
                                 }
                               }});
  EXPECT_EQ(started, 2);
  EXPECT_FALSE(r.succeeded);
  EXPECT_TRUE(r.retryable) << r.reason;
  EXPECT_EQ(r.verification.mismatches, 1);
  EXPECT_THAT(r.reason, HasSubstr(">fcst...... dir/f3"));
  EXPECT_THAT(r.reason, HasSubstr("the next sync copies it"));
}

TEST_F(MoverVerifyTest, SizeOnlyTransfersExplainTheirMismatches) {
  // --size-only skips a same-size rewrite (and only updates its time), so
  // the check finds contents that differ at the same size and time.
  ASSERT_TRUE(WriteRandomFile(source_ + "/dir/f3", 103, 1234).ok());
  PullOptions o = Options();
  o.rsync_options = {"--size-only"};
  o.verification = Verification::kFull;
  const PullResult r = Pull(o);
  EXPECT_FALSE(r.succeeded);
  EXPECT_FALSE(r.retryable);
  EXPECT_THAT(r.reason, HasSubstr(">fc........ dir/f3"));
  EXPECT_THAT(r.reason, HasSubstr("--size-only"));
}

TEST_F(MoverPullTest, DestinationWithoutAclsOrXattrsStillSyncs) {
  fs::create_directories(dest_ + "/ramfs");
  if (::mount("ramfs", (dest_ + "/ramfs").c_str(), "ramfs", 0, nullptr) != 0) {
    GTEST_SKIP() << "cannot mount a ramfs here: " << std::strerror(errno);
  }
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{dest_ + "/ramfs"};
  ASSERT_TRUE(BuildRichTree(source_).ok());
  PullOptions o = Options();
  o.dest = dest_ + "/ramfs";
  const PullResult r = Pull(o);
  ASSERT_TRUE(r.succeeded) << r.reason;
  // Everything but the attributes this file system cannot hold.
  auto want = BuildManifest(source_);
  auto got = BuildManifest(o.dest);
  ASSERT_TRUE(want.ok() && got.ok());
  for (auto* manifest : {&*want, &*got}) {
    for (auto& [path, entry] : *manifest) entry.xattrs.clear();
  }
  EXPECT_EQ(DiffManifests(*want, *got), "");
  char value[16];
  EXPECT_LT(::getxattr((o.dest + "/xattr.txt").c_str(), "user.color", value, sizeof(value)), 0);
}

}  // namespace
}  // namespace drs::mover::testing
