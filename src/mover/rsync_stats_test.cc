#include "mover/rsync_stats.h"

#include <string>

#include <gtest/gtest.h>

namespace drs::mover {
namespace {

// Captured from rsync 3.5.0 (Debian 12's security update of 3.2.7, same
// format) with --stats and the default human-readable level: "," separators.
constexpr std::string_view kFirstCopyHumanReadable = R"(
Number of files: 6 (reg: 2, dir: 3, link: 1)
Number of created files: 5 (reg: 2, dir: 2, link: 1)
Number of deleted files: 0
Number of regular files transferred: 2
Total file size: 20,000,008 bytes
Total transferred file size: 20,000,003 bytes
Literal data: 20,000,003 bytes
Matched data: 0 bytes
File list size: 0
File list generation time: 0.001 seconds
File list transfer time: 0.000 seconds
Total bytes sent: 20,005,170
Total bytes received: 76

sent 20,005,170 bytes  received 76 bytes  40,010,492.00 bytes/sec
total size is 20,000,008  speedup is 1.00
)";

// The same rsync with --no-human-readable on a pull that deleted a file,
// with --info=progress2 lines ('\r'-separated) first. The mover no longer
// asks for them; the parser still finds the block after such output.
constexpr std::string_view kUpdateWithProgress =
    "\r              3   0%    0.00kB/s    0:00:00  \r"
    "       20000003 100%    7.97MB/s    0:00:02 (xfr#2, to-chk=0/4)\n"
    R"(
Number of files: 6 (reg: 2, dir: 3, link: 1)
Number of created files: 1 (link: 1)
Number of deleted files: 1 (reg: 1)
Number of regular files transferred: 1
Total file size: 20000015 bytes
Total transferred file size: 10 bytes
Literal data: 4 bytes
Matched data: 6 bytes
File list size: 0
File list generation time: 0.001 seconds
File list transfer time: 0.000 seconds
Total bytes sent: 251
Total bytes received: 54

sent 251 bytes  received 54 bytes  610.00 bytes/sec
total size is 20000015  speedup is 65573.82
)";

// A volume with no regular files: no "reg:" part at all.
constexpr std::string_view kEmptyVolume = R"(
Number of files: 1 (dir: 1)
Number of created files: 0
Number of deleted files: 0
Number of regular files transferred: 0
Total file size: 0 bytes
Total transferred file size: 0 bytes
Literal data: 0 bytes
Matched data: 0 bytes
File list size: 0
File list generation time: 0.001 seconds
File list transfer time: 0.000 seconds
Total bytes sent: 57
Total bytes received: 19
)";

TEST(RsyncStatsTest, ParsesHumanReadableNumbers) {
  auto stats = ParseRsyncStats(kFirstCopyHumanReadable);
  ASSERT_TRUE(stats.ok()) << stats.error();
  EXPECT_EQ(*stats, (TransferStats{.files_total = 6,
                                   .regular_files_total = 2,
                                   .files_created = 5,
                                   .files_deleted = 0,
                                   .files_transferred = 2,
                                   .bytes_total = 20'000'008,
                                   .bytes_transferred = 20'000'003,
                                   .literal_bytes = 20'000'003,
                                   .matched_bytes = 0,
                                   .bytes_sent = 20'005'170,
                                   .bytes_received = 76}));
}

TEST(RsyncStatsTest, ParsesPlainNumbersAfterProgressLines) {
  auto stats = ParseRsyncStats(kUpdateWithProgress);
  ASSERT_TRUE(stats.ok()) << stats.error();
  EXPECT_EQ(*stats, (TransferStats{.files_total = 6,
                                   .regular_files_total = 2,
                                   .files_created = 1,
                                   .files_deleted = 1,
                                   .files_transferred = 1,
                                   .bytes_total = 20'000'015,
                                   .bytes_transferred = 10,
                                   .literal_bytes = 4,
                                   .matched_bytes = 6,
                                   .bytes_sent = 251,
                                   .bytes_received = 54}));
}

TEST(RsyncStatsTest, NoRegularFilesCountsZero) {
  auto stats = ParseRsyncStats(kEmptyVolume);
  ASSERT_TRUE(stats.ok()) << stats.error();
  EXPECT_EQ(stats->files_total, 1);
  EXPECT_EQ(stats->regular_files_total, 0);
  EXPECT_EQ(stats->bytes_received, 19);
}

TEST(RsyncStatsTest, OldRsyncSaysFilesTransferred) {
  auto stats = ParseRsyncStats("Number of files: 3\nNumber of files transferred: 2\n");
  ASSERT_TRUE(stats.ok()) << stats.error();
  EXPECT_EQ(stats->files_total, 3);
  EXPECT_EQ(stats->files_transferred, 2);
}

TEST(RsyncStatsTest, TheLastBlockWins) {
  const std::string twice = std::string(kFirstCopyHumanReadable) + std::string(kEmptyVolume);
  auto stats = ParseRsyncStats(twice);
  ASSERT_TRUE(stats.ok()) << stats.error();
  EXPECT_EQ(stats->files_total, 1);
  EXPECT_EQ(stats->bytes_received, 19);
}

TEST(RsyncStatsTest, MissingBlockIsNotFound) {
  auto stats = ParseRsyncStats(
      "rsync: connection unexpectedly closed (0 bytes received so far) [Receiver]\n");
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.error().code(), ErrorCode::kNotFound);
}

TEST(RsyncStatsTest, LineWithoutNumberIsInvalidAndQuoted) {
  auto stats = ParseRsyncStats("Number of files: 3\nTotal file size: lots bytes\n");
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.error().code(), ErrorCode::kInvalid);
  EXPECT_NE(stats.error().message().find("Total file size: lots bytes"), std::string::npos);
}

TEST(RsyncStatsTest, NumberTooLargeIsInvalid) {
  auto stats = ParseRsyncStats("Number of files: 99999999999999999999999\n");
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.error().code(), ErrorCode::kInvalid);
}

}  // namespace
}  // namespace drs::mover
