// `dr-syncer-agent pull` as the mover Job runs it: flags in, exit code and
// termination message out.

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/file_util.h"
#include "mover/pull_command.h"
#include "mover/pull_result.h"
#include "pull_test_fixture.h"
#include "source_tree.h"

namespace drs::mover::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

int RunCommand(std::vector<std::string> args) {
  args.insert(args.begin(), "pull");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return RunPullCommand(static_cast<int>(argv.size()), argv.data());
}

nlohmann::json ReadResult(const std::string& path) {
  auto text = ReadFileToString(path);
  EXPECT_TRUE(text.ok()) << path;
  EXPECT_LE(text.value_or("").size(), kMaxTerminationMessageBytes);
  return nlohmann::json::parse(text.value_or("{}"));
}

TEST_F(MoverPullTest, CommandPullsAndWritesTheResult) {
  ASSERT_TRUE(WriteRandomFile(source_ + "/a", 1000, 1).ok());
  ASSERT_TRUE(WriteRandomFile(source_ + "/skip.tmp", 10, 2).ok());
  // Key files in a directory with a space: the ssh command line rsync
  // splits must keep them whole.
  test::TempDir keys;
  const std::string key_dir = keys.Join("secret volume");
  fs::create_directories(key_dir);
  fs::copy_file(sshd().identity_file(), key_dir + "/id_ed25519");
  fs::copy_file(sshd().known_hosts_file(), key_dir + "/known_hosts");
  const std::string log = keys.Join("termination-log");
  const int code = RunCommand(
      {"--host=127.0.0.1", "--port=" + std::to_string(sshd().port()), "--path=pvc/" + ns_ + "/data",
       "--dest=" + dest_, "--identity-file=" + key_dir + "/id_ed25519",
       "--known-hosts-file=" + key_dir + "/known_hosts", "--exclude=*.tmp",
       "--rsync-option=--checksum", "--verification=full", "--termination-log=" + log});
  EXPECT_EQ(code, kExitSucceeded);
  const nlohmann::json result = ReadResult(log);
  EXPECT_EQ(result.at("result"), "Succeeded") << result.dump();
  EXPECT_EQ(result.at("filesTransferred"), 1);
  EXPECT_EQ(result.at("bytesTransferred"), 1000);
  EXPECT_EQ(result.at("verification").at("mode"), "full");
  EXPECT_EQ(result.at("verification").at("checked"), 1);
  EXPECT_TRUE(fs::exists(dest_ + "/a"));
  EXPECT_FALSE(fs::exists(dest_ + "/skip.tmp"));
}

TEST_F(MoverPullTest, CommandReportsABadFlagInTheResult) {
  test::TempDir dir;
  const std::string log = dir.Join("termination-log");
  const int code =
      RunCommand({"--termination-log=" + log, "--host=127.0.0.1", "--path=pvc/" + ns_ + "/data/",
                  "--identity-file=/k/id", "--known-hosts-file=/k/kh", "--rsync-option=--rsh=sh"});
  EXPECT_EQ(code, kExitTerminal);
  const nlohmann::json result = ReadResult(log);
  EXPECT_EQ(result.at("result"), "Failed");
  EXPECT_EQ(result.at("retryable"), false);
  EXPECT_THAT(result.at("reason").get<std::string>(), HasSubstr("--rsh=sh"));
}

TEST_F(MoverPullTest, CommandReportsAnUnreachableAgentAsRetryable) {
  test::TempDir dir;
  const std::string log = dir.Join("termination-log");
  // Port 1 on loopback: nothing listens, the connection is refused.
  const int code =
      RunCommand({"--host=127.0.0.1", "--port=1", "--path=pvc/" + ns_ + "/data/", "--dest=" + dest_,
                  "--identity-file=" + sshd().identity_file(),
                  "--known-hosts-file=" + sshd().known_hosts_file(), "--termination-log=" + log});
  EXPECT_EQ(code, kExitRetryable);
  const nlohmann::json result = ReadResult(log);
  // rsync reports ssh's failure as its own 12 or passes on ssh's 255,
  // depending on which it notices first.
  EXPECT_THAT(result.at("exitCode").get<int>(), ::testing::AnyOf(12, 255));
  EXPECT_EQ(result.at("retryable"), true);
  EXPECT_THAT(result.at("reason").get<std::string>(), HasSubstr("Connection refused"));
}

}  // namespace
}  // namespace drs::mover::testing
