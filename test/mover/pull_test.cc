// The mover against the real programs: a private sshd on 127.0.0.1, ssh
// and rsync from this machine, real files. Each test has its own source
// volume (pvc/<ns>/data/ under the sshd's volumes dir) and destination.

#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/test_temp_dir.h"
#include "local_sshd.h"
#include "mover/pull.h"
#include "pull_test_fixture.h"
#include "source_tree.h"
#include "tree_manifest.h"

namespace drs::mover::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

TEST_F(MoverPullTest, CopiesATreeIntactThenOnlyChangesThenDeletions) {
  ASSERT_TRUE(BuildRichTree(source_).ok());
  const PullResult first = Pull(Options());
  ASSERT_TRUE(first.succeeded) << first.reason;
  ExpectSameTree();
  auto source = BuildManifest(source_);
  ASSERT_TRUE(source.ok());
  std::int64_t regular = 0;
  std::int64_t bytes = 0;  // rsync counts a symlink's target length as its size
  for (const auto& [path, entry] : *source) {
    if (entry.type == 'l') bytes += static_cast<std::int64_t>(entry.link_target.size());
    if (entry.type != 'f') continue;
    ++regular;
    bytes += entry.size;
  }
  EXPECT_EQ(first.stats.regular_files_total, regular);
  EXPECT_EQ(first.stats.bytes_total, bytes);
  // Hard links are made, not transferred: two of the three names.
  EXPECT_EQ(first.stats.files_transferred, regular - 2);
  struct stat sparse {};
  ASSERT_EQ(::stat((dest_ + "/" + std::string(kSparseFile)).c_str(), &sparse), 0);
  EXPECT_EQ(sparse.st_size, kSparseFileBytes);
  EXPECT_LT(sparse.st_blocks * 512, 1 << 20) << "the sparse file was written out in full";

  const PullResult unchanged = Pull(Options());
  ASSERT_TRUE(unchanged.succeeded) << unchanged.reason;
  EXPECT_EQ(unchanged.stats.files_transferred, 0);
  EXPECT_EQ(unchanged.stats.bytes_transferred, 0);
  EXPECT_EQ(unchanged.stats.files_deleted, 0);

  ASSERT_TRUE(WriteRandomFile(source_ + "/small/d0/f1", 5000, 7).ok());
  ASSERT_TRUE(WriteRandomFile(source_ + "/new.txt", 100, 8).ok());
  fs::remove_all(source_ + "/small/d9");  // a directory and its 30 files
  fs::remove(source_ + "/run.sh");
  const PullResult changed = Pull(Options());
  ASSERT_TRUE(changed.succeeded) << changed.reason;
  EXPECT_EQ(changed.stats.files_transferred, 2);
  EXPECT_EQ(changed.stats.bytes_transferred, 5100);
  EXPECT_EQ(changed.stats.files_deleted, 32);
  ExpectSameTree();
}

TEST_F(MoverPullTest, TheSenderSeesTheDocumentedCommand) {
  ASSERT_TRUE(WriteRandomFile(source_ + "/f", 10, 1).ok());
  PullOptions o = Options();
  o.bwlimit_kib = 10000;
  o.verification = Verification::kFull;
  const PullResult r = Pull(o);
  ASSERT_TRUE(r.succeeded) << r.reason;
  // docs/data-sync.md lists these for the agent's gate; a change here must
  // change the doc and the gate's allow-list together.
  const std::string path = "pvc/" + ns_ + "/data/";
  EXPECT_THAT(sshd().RemoteCommands(),
              HasSubstr("rsync --server --sender -lHogDtpAXrSe.iLsfxCIvu --bwlimit=10000 "
                        "--numeric-ids . " +
                        path +
                        "\n"
                        "rsync --server --sender -nlHogDtpAXrcSe.iLsfxCIvu --numeric-ids . " +
                        path + "\n"));
}

TEST_F(MoverPullTest, KilledMidFileLeavesNoPartialFileAndTheRetryCompletes) {
  const std::string big = "/" + std::string(kBigFile);
  ASSERT_TRUE(WriteRandomFile(source_ + big, kBigFileBytes, 5).ok());
  ASSERT_TRUE(WriteRandomFile(source_ + "/small", 1000, 6).ok());
  PullOptions slow = Options();
  slow.bwlimit_kib = 4096;  // 16 s for the big file: plenty of time to kill it
  std::atomic<pid_t> rsync_group{0};
  PullResult killed;
  std::jthread pull([&] {
    killed = RunPull(slow, {}, {.on_rsync_started = [&](pid_t pid) { rsync_group = pid; }});
  });
  // Wait (polling, with a deadline) until a good part of the big file has
  // arrived in the temp dir, then kill rsync, ssh and all outright.
  ASSERT_TRUE(PollUntil([&] { return LargestTempFile() > (1 << 20); }))
      << "the big file never started arriving";
  ASSERT_NE(rsync_group.load(), 0);
  ASSERT_EQ(::kill(-rsync_group.load(), SIGKILL), 0);
  pull.join();
  EXPECT_FALSE(killed.succeeded);
  EXPECT_TRUE(killed.retryable) << killed.reason;
  EXPECT_THAT(killed.reason, HasSubstr("SIGKILL"));
  // Nothing half-written in the visible tree.
  EXPECT_FALSE(fs::exists(dest_ + big));
  auto visible = BuildManifest(dest_, {".dr-syncer-partial", ".dr-syncer-tmp"});
  ASSERT_TRUE(visible.ok());
  for (const auto& [path, entry] : *visible) {
    EXPECT_TRUE(entry.type == 'd' || path == "small") << "unexpected " << path;
  }

  const PullResult retry = Pull(Options());
  ASSERT_TRUE(retry.succeeded) << retry.reason;
  ExpectSameTree();
}

TEST_F(MoverPullTest, TimeoutKeepsThePartialFileAndTheRetryResumesFromIt) {
  const std::string big = "/" + std::string(kBigFile);
  ASSERT_TRUE(WriteRandomFile(source_ + big, kBigFileBytes, 9).ok());
  PullOptions slow = Options();
  slow.bwlimit_kib = 8192;
  slow.timeout = std::chrono::seconds(2);
  const PullResult stopped = Pull(slow);
  EXPECT_FALSE(stopped.succeeded);
  EXPECT_TRUE(stopped.retryable);
  EXPECT_THAT(stopped.reason, HasSubstr("timed out after 2s"));
  EXPECT_FALSE(fs::exists(dest_ + big));
  // rsync got SIGTERM and kept what it had for the next run.
  const std::string partial = dest_ + "/.dr-syncer-partial" + big;
  ASSERT_TRUE(fs::exists(partial));
  EXPECT_GT(fs::file_size(partial), 0u);

  const PullResult resumed = Pull(Options());
  ASSERT_TRUE(resumed.succeeded) << resumed.reason;
  EXPECT_GT(resumed.stats.matched_bytes, 0) << "the retry did not start from the partial file";
  ExpectSameTree();
}

TEST_F(MoverPullTest, WrongHostKeyFailsClosed) {
  ASSERT_TRUE(WriteRandomFile(source_ + "/f", 10, 1).ok());
  PullOptions o = Options();
  o.known_hosts_file = sshd().wrong_known_hosts_file();
  const PullResult r = Pull(o);
  EXPECT_FALSE(r.succeeded);
  EXPECT_FALSE(r.retryable);
  EXPECT_THAT(r.exit_code, ::testing::AnyOf(12, 255));  // 12 when rsync notices first
  EXPECT_THAT(r.reason, HasSubstr("Host key verification failed"));
  EXPECT_TRUE(fs::is_empty(dest_)) << "something was written after a failed host check";
}

TEST_F(MoverPullTest, KeyReadableByOthersIsRefusedBeforeConnecting) {
  test::TempDir keys;
  const std::string identity = keys.Join("id");
  fs::copy_file(sshd().identity_file(), identity);
  ASSERT_EQ(::chmod(identity.c_str(), 0644), 0);
  PullOptions o = Options();
  o.identity_file = identity;
  const PullResult r = Pull(o);
  EXPECT_FALSE(r.succeeded);
  EXPECT_FALSE(r.retryable);
  EXPECT_THAT(r.reason, HasSubstr("defaultMode 0400"));
}

}  // namespace
}  // namespace drs::mover::testing
