#include "agent/audit_log.h"

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/rfc3339.h"
#include "base/test_temp_dir.h"

namespace drs::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

AuditRecord Record(const std::string& reason) {
  return AuditRecord{.time = *ParseRfc3339("2026-01-02T03:04:05Z"),
                     .decision = "refused",
                     .key_id = "mover/shop/7",
                     .reason = reason,
                     .command = "sh -c id",
                     .client = "10.0.0.7 51234 10.0.0.1 2222",
                     .volume = ""};
}

TEST(AuditLogTest, OneJsonObjectPerLine) {
  const std::string line = AuditRecordJson(Record("shell commands are refused"));
  ASSERT_TRUE(line.ends_with('\n'));
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  const auto parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["ts"], "2026-01-02T03:04:05Z");
  EXPECT_EQ(parsed["decision"], "refused");
  EXPECT_EQ(parsed["keyId"], "mover/shop/7");
  EXPECT_EQ(parsed["reason"], "shell commands are refused");
  EXPECT_EQ(parsed["command"], "sh -c id");
  EXPECT_EQ(parsed["client"], "10.0.0.7 51234 10.0.0.1 2222");
}

TEST(AuditLogTest, HostileCommandsStayOnOneLineAndAreTruncated) {
  AuditRecord record = Record("x");
  record.command = "a\nb\"c\xff" + std::string(2000, 'z');
  const std::string line = AuditRecordJson(record);
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  const auto parsed = nlohmann::json::parse(line);
  EXPECT_LT(parsed["command"].get<std::string>().size(), 600u);
  EXPECT_THAT(parsed["command"].get<std::string>(), HasSubstr("a\nb\"c"));
}

class AuditForwarderTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(dir_.ok()); }
  std::string Path() const { return dir_.Join("audit.log"); }
  std::vector<std::string> Reasons() const {
    std::vector<std::string> reasons;
    for (const std::string& line : lines_) {
      reasons.push_back(nlohmann::json::parse(line)["reason"].get<std::string>());
    }
    return reasons;
  }

  drs::test::TempDir dir_;
  std::vector<std::string> lines_;
  AuditLogForwarder::Sink sink_ = [this](std::string_view line) { lines_.emplace_back(line); };
};

TEST_F(AuditForwarderTest, ForwardsNewLinesOnce) {
  AuditLogForwarder forwarder(Path(), sink_);
  forwarder.Poll();  // no file yet
  EXPECT_TRUE(lines_.empty());
  ASSERT_TRUE(AppendAuditRecord(Path(), Record("one")).ok());
  ASSERT_TRUE(AppendAuditRecord(Path(), Record("two")).ok());
  forwarder.Poll();
  forwarder.Poll();
  ASSERT_TRUE(AppendAuditRecord(Path(), Record("three")).ok());
  forwarder.Poll();
  EXPECT_THAT(Reasons(), ElementsAre("one", "two", "three"));
  struct stat st {};
  ASSERT_EQ(stat(Path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(AuditForwarderTest, SkipsWhatAnEarlierAgentAlreadyForwarded) {
  ASSERT_TRUE(AppendAuditRecord(Path(), Record("old")).ok());
  AuditLogForwarder forwarder(Path(), sink_);
  forwarder.Poll();
  ASSERT_TRUE(AppendAuditRecord(Path(), Record("new")).ok());
  forwarder.Poll();
  EXPECT_THAT(Reasons(), ElementsAre("new"));
}

TEST_F(AuditForwarderTest, RotatesWithoutLosingLines) {
  const std::size_t one_line = AuditRecordJson(Record("r0")).size();
  AuditLogForwarder forwarder(Path(), sink_, 3 * one_line);
  std::vector<std::string> expected;
  for (int i = 0; i < 10; ++i) {
    const std::string reason = "r" + std::to_string(i);
    ASSERT_TRUE(AppendAuditRecord(Path(), Record(reason)).ok());
    expected.push_back(reason);
    if (i % 2 == 1) forwarder.Poll();
  }
  forwarder.Poll();
  forwarder.Poll();
  EXPECT_EQ(Reasons(), expected);
  EXPECT_TRUE(std::filesystem::exists(Path() + ".1"));
}

TEST_F(AuditForwarderTest, LinesWrittenToTheRotatedFileAreStillForwarded) {
  const std::size_t one_line = AuditRecordJson(Record("a")).size();
  AuditLogForwarder forwarder(Path(), sink_, one_line);
  ASSERT_TRUE(AppendAuditRecord(Path(), Record("a")).ok());
  forwarder.Poll();  // reads "a", renames the file away
  // A gate that opened the file before the rename appends after it.
  ASSERT_TRUE(AppendAuditRecord(Path() + ".1", Record("late")).ok());
  forwarder.Poll();
  EXPECT_THAT(Reasons(), ElementsAre("a", "late"));
}

TEST_F(AuditForwarderTest, RefusesToAppendThroughASymlink) {
  std::filesystem::create_symlink(dir_.Join("elsewhere"), Path());
  EXPECT_FALSE(AppendAuditRecord(Path(), Record("x")).ok());
  EXPECT_FALSE(std::filesystem::exists(dir_.Join("elsewhere")));
}

}  // namespace
}  // namespace drs::agent
