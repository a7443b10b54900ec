#include "mover/pull_result.h"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/test_temp_dir.h"

namespace drs::mover {
namespace {

PullResult Sample() {
  PullResult r;
  r.succeeded = true;
  r.stats = {.files_total = 9,
             .regular_files_total = 7,
             .files_deleted = 2,
             .files_transferred = 3,
             .bytes_total = 5000,
             .bytes_transferred = 1200};
  r.duration_seconds = 1.5;
  r.verification = {.mode = Verification::kSample, .checked = 4, .mismatches = 0};
  return r;
}

TEST(PullResultTest, MessageHasTheContractFields) {
  const auto j = nlohmann::json::parse(TerminationMessage(Sample()));
  EXPECT_EQ(j.at("result"), "Succeeded");
  EXPECT_EQ(j.at("exitCode"), 0);
  EXPECT_EQ(j.at("reason"), "");
  EXPECT_EQ(j.at("retryable"), false);
  EXPECT_EQ(j.at("bytesTransferred"), 1200);
  EXPECT_EQ(j.at("bytesTotal"), 5000);
  EXPECT_EQ(j.at("filesTransferred"), 3);
  EXPECT_EQ(j.at("filesTotal"), 7);
  EXPECT_EQ(j.at("filesDeleted"), 2);
  EXPECT_DOUBLE_EQ(j.at("durationSeconds").get<double>(), 1.5);
  EXPECT_EQ(j.at("verification"),
            nlohmann::json({{"mode", "sample"}, {"checked", 4}, {"mismatches", 0}}));
  EXPECT_EQ(j.at("unchanged"), false);
  EXPECT_FALSE(j.contains("sourceDigest")) << "digests appear only when taken";
  EXPECT_FALSE(j.contains("destinationDigest"));
}

TEST(PullResultTest, UnchangedRunCarriesItsDigests) {
  PullResult r = Sample();
  r.unchanged = true;
  r.source_digest = "sha256:" + std::string(64, 'a');
  r.destination_digest = "sha256:" + std::string(64, 'b');
  const auto j = nlohmann::json::parse(TerminationMessage(r));
  EXPECT_EQ(j.at("unchanged"), true);
  EXPECT_EQ(j.at("sourceDigest"), r.source_digest);
  EXPECT_EQ(j.at("destinationDigest"), r.destination_digest);
}

TEST(PullResultTest, LongReasonIsCutToFitAndKeepsTheNumbers) {
  PullResult r = Sample();
  r.succeeded = false;
  r.retryable = true;
  r.exit_code = 23;
  // Multi-byte characters and control characters (escaped as \u00XX, six
  // bytes each) make the cut land in awkward places.
  for (int i = 0; i < 2000; ++i) r.reason += (i % 3 == 0) ? "é" : (i % 3 == 1 ? "\x01" : "x");
  const std::string message = TerminationMessage(r);
  EXPECT_LE(message.size(), kMaxTerminationMessageBytes);
  const auto j = nlohmann::json::parse(message);  // still valid JSON and UTF-8
  EXPECT_EQ(j.at("result"), "Failed");
  EXPECT_EQ(j.at("exitCode"), 23);
  EXPECT_EQ(j.at("bytesTransferred"), 1200);
  const std::string reason = j.at("reason");
  EXPECT_TRUE(reason.ends_with("...")) << reason.substr(reason.size() - 10);
  EXPECT_GT(reason.size(), 1000u);
}

TEST(PullResultTest, InvalidUtf8InReasonIsReplaced) {
  PullResult r = Sample();
  r.reason = "bad \xff\xfe name";
  const auto j = nlohmann::json::parse(TerminationMessage(r));
  EXPECT_EQ(j.at("reason"), "bad \xEF\xBF\xBD\xEF\xBF\xBD name");
}

TEST(PullResultTest, ExitCodes) {
  PullResult r;
  r.succeeded = true;
  EXPECT_EQ(ProcessExitCode(r), kExitSucceeded);
  r.succeeded = false;
  r.retryable = true;
  EXPECT_EQ(ProcessExitCode(r), kExitRetryable);
  r.retryable = false;
  EXPECT_EQ(ProcessExitCode(r), kExitTerminal);
}

TEST(PullResultTest, WritesAndTruncatesTheLog) {
  test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.WriteFile("termination-log", std::string(5000, 'x'));
  ASSERT_TRUE(WriteTerminationLog(path, "{\"result\":\"Succeeded\"}").ok());
  EXPECT_EQ(dir.ReadFile("termination-log"), "{\"result\":\"Succeeded\"}");
}

TEST(PullResultTest, UnwritableLogNamesThePath) {
  auto st = WriteTerminationLog("/nonexistent-dir/termination-log", "{}");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("/nonexistent-dir/termination-log"), std::string::npos);
}

}  // namespace
}  // namespace drs::mover
