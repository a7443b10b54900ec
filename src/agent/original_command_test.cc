#include "agent/original_command.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drs::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(OriginalCommandTest, SplitsOnSingleSpaces) {
  auto words = SplitOriginalCommand(
      "rsync --server --sender -lHogDtpAXrSe.LsfxCIvu --bwlimit=100 --numeric-ids . pvc/ns/c/");
  ASSERT_TRUE(words.ok()) << words.error();
  EXPECT_THAT(*words, ElementsAre("rsync", "--server", "--sender", "-lHogDtpAXrSe.LsfxCIvu",
                                  "--bwlimit=100", "--numeric-ids", ".", "pvc/ns/c/"));
}

TEST(OriginalCommandTest, OneWord) {
  auto words = SplitOriginalCommand("dr-syncer-health");
  ASSERT_TRUE(words.ok()) << words.error();
  EXPECT_THAT(*words, ElementsAre("dr-syncer-health"));
}

TEST(OriginalCommandTest, RefusesWhatAShellWouldInterpret) {
  const std::vector<std::string> hostile = {
      "rsync --server --sender . pvc/ns/c/; id",
      "rsync --server --sender . pvc/ns/c/ && id",
      "rsync --server --sender . $(id)",
      "rsync --server --sender . `id`",
      "rsync --server --sender . 'pvc/ns/c/'",
      "rsync --server --sender . \"pvc/ns/c/\"",
      "rsync --server --sender . pvc/ns/c/\\ x",
      "rsync --server --sender . pvc/ns/c/ > /etc/passwd",
      "rsync --server --sender . pvc/ns/c/ | sh",
      "rsync --server --sender . pvc/*/c/",
      "rsync --server --sender . ~root",
      "rsync --server --sender . pvc/ns/c/\nid",
      "rsync\t--server",
      "sh -c 'id'",
  };
  for (const std::string& command : hostile) {
    auto words = SplitOriginalCommand(command);
    ASSERT_FALSE(words.ok()) << "accepted: " << command;
    EXPECT_EQ(words.error().code(), ErrorCode::kPermissionDenied);
    EXPECT_THAT(words.error().message(), HasSubstr("character")) << command;
  }
}

TEST(OriginalCommandTest, RefusesEmptyWordsAndEmptyCommands) {
  for (const std::string command : {"", " rsync", "rsync ", "rsync  --server"}) {
    auto words = SplitOriginalCommand(command);
    ASSERT_FALSE(words.ok()) << "accepted: \"" << command << "\"";
    EXPECT_EQ(words.error().code(), ErrorCode::kPermissionDenied);
  }
}

TEST(OriginalCommandTest, RefusesOverlongCommands) {
  auto words = SplitOriginalCommand("rsync " + std::string(5000, 'a'));
  ASSERT_FALSE(words.ok());
  EXPECT_THAT(words.error().message(), HasSubstr("longer than"));
}

}  // namespace
}  // namespace drs::agent
