#include "mover/unchanged_check.h"

#include <vector>

#include <gtest/gtest.h>

namespace drs::mover {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'c');

TEST(UnchangedCheckTest, ParsesTheAgentsAnswer) {
  auto d =
      ParseSourceDigestAnswer(R"({"digest":")" + kDigest +
                              R"(","entries":12,"files":9,"bytes":4096,"sparseFiles":2})" + "\n");
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_EQ(d->value, kDigest);
  EXPECT_EQ(d->entries, 12);
  EXPECT_EQ(d->files, 9);
  EXPECT_EQ(d->bytes, 4096);
  EXPECT_EQ(d->sparse_files, 2);
  auto older =
      ParseSourceDigestAnswer(R"({"digest":")" + kDigest + R"(","entries":1,"files":1,"bytes":1})");
  ASSERT_TRUE(older.ok()) << older.error();
  EXPECT_EQ(older->sparse_files, -1) << "unknown: holes stay handled";
}

TEST(UnchangedCheckTest, RefusesAnythingElse) {
  for (const std::string& answer : std::vector<std::string>{
           std::string("dr-syncer-agent: refused: command not allowed"),
           std::string("[]"),
           std::string(R"({"digest":"sha256:00","entries":1,"files":1,"bytes":1})"),
           R"({"digest":")" + kDigest + R"(","entries":-1,"files":1,"bytes":1})",
           R"({"digest":")" + kDigest + R"(","entries":1,"files":1})",
           R"({"digest":")" + kDigest + R"(","entries":"1","files":1,"bytes":1})",
           R"({"digest":")" + kDigest + R"(","entries":1,"files":1,"bytes":1,"sparseFiles":-2})",
       }) {
    auto d = ParseSourceDigestAnswer(answer);
    ASSERT_FALSE(d.ok()) << answer;
    EXPECT_EQ(d.error().code(), ErrorCode::kInvalid);
    EXPECT_NE(d.error().message().find("tree digest answer"), std::string::npos);
  }
}

TEST(UnchangedCheckTest, ContextCoversWhatDecidesTheCopy) {
  PullOptions o;
  o.path = "pvc/shop/data/";
  const std::string base = TransferContext(o);
  EXPECT_EQ(TransferContext(o), base);
  PullOptions other_volume = o;
  other_volume.path = "pvc/shop/logs/";
  PullOptions excluding = o;
  excluding.excludes = {"/cache/"};
  PullOptions checksumming = o;
  checksumming.rsync_options = {"--checksum"};
  for (const PullOptions& changed : {other_volume, excluding, checksumming}) {
    EXPECT_NE(TransferContext(changed), base);
  }
  // How a copy is checked or paced does not change what it holds.
  PullOptions verifying = o;
  verifying.verification = Verification::kFull;
  verifying.bwlimit_kib = 100;
  EXPECT_EQ(TransferContext(verifying), base);
}

}  // namespace
}  // namespace drs::mover
