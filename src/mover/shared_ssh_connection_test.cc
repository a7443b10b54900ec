#include "mover/shared_ssh_connection.h"

#include <filesystem>
#include <stop_token>

#include <gtest/gtest.h>

namespace drs::mover {
namespace {

namespace fs = std::filesystem;

// Sharing through a real master is tested through the real agent
// (test/mover/gate); here, what happens when there is none.
TEST(SharedSshConnectionTest, NoMasterMeansNoSharingAndNothingLeftBehind) {
  std::stop_source never;
  const auto start = std::chrono::steady_clock::now();
  {
    // A port nothing listens on: the master exits, the socket never comes.
    const SharedSshConnection shared(
        SshTarget{.port = 1, .identity_file = "/nonexistent", .known_hosts_file = "/dev/null"},
        "root", "127.0.0.1", {"PATH=/usr/bin:/bin"}, std::chrono::seconds(20), never.get_token());
    EXPECT_TRUE(shared.path().empty());
    EXPECT_TRUE(shared.failed());
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15))
      << "waited out the timeout instead of noticing the master exit";
  for (const auto& entry :
       fs::directory_iterator(std::getenv("TMPDIR") != nullptr ? std::getenv("TMPDIR") : "/tmp")) {
    EXPECT_EQ(entry.path().filename().string().find("dr-syncer-ssh-"), std::string::npos)
        << entry.path() << " was left behind";
  }
}

TEST(SharedSshConnectionTest, AStopEndsTheWait) {
  std::stop_source stop;
  stop.request_stop();
  const SharedSshConnection shared(
      SshTarget{.port = 1, .identity_file = "/nonexistent", .known_hosts_file = "/dev/null"},
      "root", "192.0.2.1", {"PATH=/usr/bin:/bin"}, std::chrono::seconds(20), stop.get_token());
  EXPECT_TRUE(shared.path().empty());
  EXPECT_TRUE(shared.failed());
}

}  // namespace
}  // namespace drs::mover
