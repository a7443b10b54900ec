// The agent end to end with the real sshd, ssh and rsync: what must work —
// pulls of CSI and in-tree volumes, the controller's health command, key
// changes without a restart, host key rotation, probes and a clean shutdown.
// The refusals are in agent_refusals_test.cc.

#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "agent/landlock_sandbox.h"
#include "agent/sshd_supervisor.h"
#include "agent_fixture.h"

namespace drs::agent::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

using AgentSshTest = AgentFixture;

TEST_F(AgentSshTest, MoverPullsItsCsiVolume) {
  StartAgent();
  const std::string dest = Path("dest");
  const ProcessResult pulled = Pull(mover_, "pvc/shop/data/", dest);
  ASSERT_TRUE(pulled.Succeeded()) << pulled.stderr_data;
  EXPECT_EQ(Read(dest + "/file.txt"), "hello from shop\n");
  EXPECT_EQ(Read(dest + "/dir/nested/deep.txt"), "deep\n");
  EXPECT_TRUE(fs::is_directory(dest + "/empty"));
  // Hard links stay hard links (-H).
  struct stat a {};
  struct stat b {};
  ASSERT_EQ(stat((dest + "/file.txt").c_str(), &a), 0);
  ASSERT_EQ(stat((dest + "/hard").c_str(), &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino);
  // Symlinks arrive as symlinks; one pointing out of the volume is not
  // followed, so the file it names is not copied.
  ASSERT_TRUE(fs::is_symlink(dest + "/escape"));
  EXPECT_EQ(fs::read_symlink(dest + "/escape"), Path("outside/secret.txt"));
  EXPECT_EQ(fs::read_symlink(dest + "/rel"), "file.txt");
  for (const auto& entry : fs::recursive_directory_iterator(dest)) {
    if (entry.is_regular_file() && !entry.is_symlink()) {
      EXPECT_THAT(Read(entry.path()), ::testing::Not(HasSubstr("TOP SECRET"))) << entry.path();
    }
  }
  // The gate's decision reached the agent's log through the audit file,
  // saying whether rsync ran confined.
  const std::string audited = std::string("rsync sender for pvc/shop/data/ (sandbox: ") +
                              (LandlockAbiVersion() > 0 ? "landlock ABI" : "unavailable");
  EXPECT_TRUE(Eventually([&] { return AgentLog().find(audited) != std::string::npos; }));
}

TEST_F(AgentSshTest, AnotherMoverPullsItsInTreeVolume) {
  StartAgent();
  const ProcessResult pulled = Pull(other_mover_, "pvc/other/logs/", Path("dest"));
  ASSERT_TRUE(pulled.Succeeded()) << pulled.stderr_data;
  EXPECT_EQ(Read(Path("dest/logs.txt")), "other namespace logs\n");
}

TEST_F(AgentSshTest, ASecondPullTransfersOnlyChanges) {
  StartAgent();
  ASSERT_TRUE(Pull(mover_, "pvc/shop/data/", Path("dest")).Succeeded());
  std::ofstream(VolumeDir("shop") + "/new.txt") << "new\n";
  const ProcessResult again = Pull(mover_, "pvc/shop/data/", Path("dest"), {"--itemize-changes"});
  ASSERT_TRUE(again.Succeeded()) << again.stderr_data;
  EXPECT_THAT(again.stdout_data, HasSubstr("new.txt"));
  EXPECT_THAT(again.stdout_data, ::testing::Not(HasSubstr("deep.txt")));
}

TEST_F(AgentSshTest, ControllerRunsTheHealthCommand) {
  StartAgent();
  const ProcessResult health = Ssh(controller_, {"dr-syncer-health"});
  ASSERT_TRUE(health.Succeeded()) << health.stderr_data;
  const auto answer = nlohmann::json::parse(health.stdout_data);
  EXPECT_EQ(answer["node"], "node-1");
  EXPECT_EQ(answer["keyId"], "controller/1");
  EXPECT_FALSE(answer["version"].get<std::string>().empty());
}

TEST_F(AgentSshTest, ARemovedKeyStopsWorkingWithoutARestart) {
  StartAgent();
  ASSERT_TRUE(Pull(spare_, "pvc/shop/data/", Path("dest")).Succeeded());
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& key : DefaultKeys()) {
    if (key["id"] != "mover/shop/2") keys.push_back(key);
  }
  WriteAccess(keys);
  ASSERT_TRUE(Eventually([&] {
    const ProcessResult pulled = Pull(spare_, "pvc/shop/data/", Path("dest2"));
    return !pulled.Succeeded() && pulled.stderr_data.find("Permission denied") != std::string::npos;
  }));
  // The same agent and the same sshd kept serving the others.
  EXPECT_TRUE(Pull(mover_, "pvc/shop/data/", Path("dest3")).Succeeded());
  const std::string log = AgentLog();
  std::size_t starts = 0;
  for (auto at = log.find("sshd started"); at != std::string::npos;
       at = log.find("sshd started", at + 1)) {
    ++starts;
  }
  EXPECT_EQ(starts, 1u);
}

TEST_F(AgentSshTest, AnAddedKeyStartsWorkingWithoutARestart) {
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& key : DefaultKeys()) {
    if (key["id"] != "mover/shop/2") keys.push_back(key);
  }
  WriteAccess(keys);
  StartAgent();
  EXPECT_FALSE(Pull(spare_, "pvc/shop/data/", Path("dest")).Succeeded());
  WriteAccess(DefaultKeys());
  EXPECT_TRUE(Eventually([&] { return Pull(spare_, "pvc/shop/data/", Path("dest")).Succeeded(); }));
}

TEST_F(AgentSshTest, AnInvalidAccessFileFailsClosedAndIsNotReady) {
  StartAgent();
  nlohmann::json keys = DefaultKeys();
  keys[1]["role"] = "root";  // refuses the whole file
  WriteAccess(keys);
  ASSERT_TRUE(Eventually([&] { return HttpStatus("/readyz") == 503; }));
  const ProcessResult pulled = Pull(mover_, "pvc/shop/data/", Path("dest"));
  EXPECT_FALSE(pulled.Succeeded());
  EXPECT_EQ(HttpStatus("/healthz"), 200);  // sshd itself is fine
  WriteAccess(DefaultKeys());
  EXPECT_TRUE(Eventually([&] { return HttpStatus("/readyz") == 200; }));
  EXPECT_TRUE(Pull(mover_, "pvc/shop/data/", Path("dest")).Succeeded());
}

TEST_F(AgentSshTest, ARotatedHostKeyIsServedAfterAReload) {
  StartAgent();
  ASSERT_TRUE(Ssh(controller_, {"dr-syncer-health"}).Succeeded());
  fs::copy_file(other_host_key_.private_path, host_key_.private_path,
                fs::copy_options::overwrite_existing);
  // Clients pinned to the new key get in once sshd has reloaded; clients
  // pinned to the old one are refused from then on.
  ASSERT_TRUE(Eventually([&] {
    return Ssh(controller_, {"dr-syncer-health"}, Path("known_hosts_wrong")).Succeeded();
  }));
  const ProcessResult old_pin = Ssh(controller_, {"dr-syncer-health"});
  EXPECT_FALSE(old_pin.Succeeded());
  EXPECT_THAT(old_pin.stderr_data, HasSubstr("REMOTE HOST IDENTIFICATION HAS CHANGED"));
}

TEST_F(AgentSshTest, SigtermStopsSshdAndLeavesNothingBehind) {
  StartAgent();
  const std::string pid_text = Read(Path("state/sshd.pid"));
  ASSERT_FALSE(pid_text.empty());
  const pid_t sshd = static_cast<pid_t>(std::stol(pid_text));
  ASSERT_EQ(::kill(sshd, 0), 0);
  EXPECT_EQ(StopAgent(), 0);
  EXPECT_TRUE(Eventually([&] { return !fs::exists("/proc/" + std::to_string(sshd)); }));
  EXPECT_FALSE(AcceptsTcp("127.0.0.1", ssh_port_, std::chrono::milliseconds(500)));
  EXPECT_EQ(HttpStatus("/healthz"), 0);
}

TEST_F(AgentSshTest, SshdIsRestartedWhenItDies) {
  StartAgent();
  const pid_t sshd = static_cast<pid_t>(std::stol(Read(Path("state/sshd.pid"))));
  ASSERT_EQ(::kill(sshd, SIGKILL), 0);
  ASSERT_TRUE(
      Eventually([&] { return AgentLog().find("sshd exited; restarting") != std::string::npos; }));
  EXPECT_TRUE(Eventually([&] { return HttpStatus("/readyz") == 200; }));
  EXPECT_TRUE(Ssh(controller_, {"dr-syncer-health"}).Succeeded());
}

TEST_F(AgentSshTest, StateFilesArePrivate) {
  StartAgent();
  for (const char* file :
       {"state/authorized_keys", "state/sshd_config", "state/ssh_host_ed25519_key"}) {
    struct stat st {};
    ASSERT_EQ(stat(Path(file).c_str(), &st), 0) << file;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << file;
  }
  // No private key material reaches the log.
  const std::string key = Read(host_key_.private_path);
  const std::string body = key.substr(key.find('\n') + 1, 40);
  EXPECT_EQ(AgentLog().find(body), std::string::npos);
}

}  // namespace
}  // namespace drs::agent::test
