// Everything the agent must refuse, each its own case, driven through the
// real ssh, scp, sftp and rsync clients against the real sshd. Refusals by
// the gate print "dr-syncer-agent: refused: <reason>" to the client; those
// by sshd itself (forwarding, subsystems, expired keys) show sshd's words.

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agent_fixture.h"
#include "base/child_process.h"
#include "base/unique_fd.h"

namespace drs::agent::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class AgentRefusalsTest : public AgentFixture {
 protected:
  void SetUp() override {
    AgentFixture::SetUp();
    StartAgent();
  }
  // Refused by the gate: non-zero, the reason on the client's stderr, and
  // the same reason in the agent's log (forwarded from the audit file).
  void ExpectGateRefusal(const ProcessResult& result, const std::string& reason) {
    EXPECT_FALSE(result.Succeeded());
    EXPECT_THAT(result.stderr_data, HasSubstr("dr-syncer-agent: refused: "));
    EXPECT_THAT(result.stderr_data, HasSubstr(reason));
    EXPECT_TRUE(Eventually([&] { return AgentLog().find(reason) != std::string::npos; }))
        << "not in the agent log: " << reason;
  }
  std::vector<std::string> ClientOptions(const char* program, const char* port_flag) const {
    return {program,
            "-F",
            "/dev/null",
            port_flag,
            std::to_string(ssh_port_),
            "-i",
            mover_.private_path,
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=yes",
            "-o",
            "UserKnownHostsFile=" + Path("known_hosts"),
            "-o",
            "GlobalKnownHostsFile=/dev/null"};
  }
};

TEST_F(AgentRefusalsTest, InteractiveShell) {
  ExpectGateRefusal(Ssh(mover_, {}), "interactive shells");
}

TEST_F(AgentRefusalsTest, InteractiveShellWithATerminal) {
  const ProcessResult result = Ssh(mover_, {"-tt"});
  EXPECT_FALSE(result.Succeeded());
  EXPECT_THAT(result.stderr_data, HasSubstr("PTY allocation request failed"));
}

TEST_F(AgentRefusalsTest, ShellCommand) {
  ExpectGateRefusal(Ssh(mover_, {"sh", "-c", "id"}), "shell commands are refused");
}

TEST_F(AgentRefusalsTest, ShellMetacharacters) {
  ExpectGateRefusal(Ssh(mover_, {"rsync --server --sender . pvc/shop/data/; id"}),
                    "shell metacharacter");
}

TEST_F(AgentRefusalsTest, LegacyScp) {
  std::vector<std::string> argv = ClientOptions("scp", "-P");
  argv.insert(argv.end(), {"-O", "root@127.0.0.1:pvc/shop/data/file.txt", Path("copy")});
  ExpectGateRefusal(Run(argv), "scp is refused");
  EXPECT_FALSE(fs::exists(Path("copy")));
}

TEST_F(AgentRefusalsTest, ScpOverSftp) {
  std::vector<std::string> argv = ClientOptions("scp", "-P");
  argv.insert(argv.end(), {"root@127.0.0.1:pvc/shop/data/file.txt", Path("copy")});
  const ProcessResult result = Run(argv);
  EXPECT_FALSE(result.Succeeded());
  EXPECT_THAT(result.stderr_data, HasSubstr("subsystem request failed"));
  EXPECT_FALSE(fs::exists(Path("copy")));
}

TEST_F(AgentRefusalsTest, Sftp) {
  std::vector<std::string> argv = ClientOptions("sftp", "-P");
  argv.insert(argv.end(), {"-b", "/dev/null", "root@127.0.0.1"});
  const ProcessResult result = Run(argv);
  EXPECT_FALSE(result.Succeeded());
  EXPECT_THAT(result.stderr_data, HasSubstr("subsystem request failed"));
  EXPECT_TRUE(Eventually([&] {
    return AgentLog().find("subsystem request for sftp by user root failed") != std::string::npos;
  }));
}

TEST_F(AgentRefusalsTest, StdioForwarding) {
  const ProcessResult result = Ssh(mover_, {"-W", "127.0.0.1:" + std::to_string(health_port_)});
  EXPECT_FALSE(result.Succeeded());
  EXPECT_THAT(result.stderr_data, HasSubstr("administratively prohibited"));
}

TEST_F(AgentRefusalsTest, RemotePortForwarding) {
  const ProcessResult result =
      Ssh(mover_, {"-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:22"});
  EXPECT_FALSE(result.Succeeded());
  EXPECT_THAT(result.stderr_data, HasSubstr("remote port forwarding failed"));
}

TEST_F(AgentRefusalsTest, LocalPortForwarding) {
  // A target that would answer if the tunnel worked.
  UniqueFd target(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(target.get(), reinterpret_cast<sockaddr*>(&addr), len), 0);
  ASSERT_EQ(getsockname(target.get(), reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ASSERT_EQ(listen(target.get(), 4), 0);
  const std::string target_port = std::to_string(ntohs(addr.sin_port));

  // ssh -N -L in the background; it listens locally and asks sshd for a
  // direct-tcpip channel per connection, which sshd must refuse.
  UniqueFd local_probe(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  len = sizeof local;
  ASSERT_EQ(bind(local_probe.get(), reinterpret_cast<sockaddr*>(&local), len), 0);
  ASSERT_EQ(getsockname(local_probe.get(), reinterpret_cast<sockaddr*>(&local), &len), 0);
  const std::uint16_t local_port = ntohs(local.sin_port);
  local_probe.Reset();
  std::vector<std::string> argv = SshOptions(mover_, "");
  argv.insert(argv.end(), {"-N", "-L", std::to_string(local_port) + ":127.0.0.1:" + target_port,
                           "root@127.0.0.1"});
  auto tunnel = ChildProcess::Spawn({.argv = argv});
  ASSERT_TRUE(tunnel.ok()) << tunnel.error();

  // Connect through the tunnel once ssh listens; the connection must close
  // without a byte and without ever reaching the target.
  UniqueFd conn;
  ASSERT_TRUE(Eventually([&] {
    conn.Reset(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    return connect(conn.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) == 0;
  }));
  char byte = 0;
  pollfd p{.fd = conn.get(), .events = POLLIN, .revents = 0};
  ASSERT_EQ(poll(&p, 1, 10'000), 1) << "the tunnel neither closed nor answered";
  EXPECT_EQ(read(conn.get(), &byte, 1), 0);
  EXPECT_LT(accept(target.get(), nullptr, nullptr), 0) << "the target was reached";
  EXPECT_TRUE(Eventually(
      [&] { return AgentLog().find("refused local port forward") != std::string::npos; }));
}

TEST_F(AgentRefusalsTest, PathTraversal) {
  ExpectGateRefusal(Pull(mover_, "pvc/shop/../other/logs/", Path("dest")), "path traversal (..)");
  EXPECT_FALSE(fs::exists(Path("dest/logs.txt")));
}

TEST_F(AgentRefusalsTest, AnotherNamespacesVolume) {
  ExpectGateRefusal(Pull(mover_, "pvc/other/logs/", Path("dest")),
                    "may not read volume pvc/other/logs/");
  EXPECT_FALSE(fs::exists(Path("dest/logs.txt")));
}

TEST_F(AgentRefusalsTest, ASymlinkInTheKubeletTreeEscapingIt) {
  ExpectGateRefusal(Pull(mover_, "pvc/shop/evil/", Path("dest")), "symlink in the kubelet tree");
  EXPECT_FALSE(fs::exists(Path("dest/secret.txt")));
}

TEST_F(AgentRefusalsTest, RsyncReceiverModeCannotWriteIntoTheVolume) {
  fs::create_directories(Path("push"));
  std::ofstream(Path("push/planted.txt")) << "planted\n";
  const ProcessResult result = Run({"rsync", "-a", "-e", SshCommand(mover_), Path("push") + "/",
                                    "root@127.0.0.1:pvc/shop/data/"});
  ExpectGateRefusal(result, "rsync receiver mode");
  EXPECT_FALSE(fs::exists(VolumeDir("shop") + "/planted.txt"));
}

TEST_F(AgentRefusalsTest, RemoveSourceFiles) {
  ExpectGateRefusal(Pull(mover_, "pvc/shop/data/", Path("dest"), {"--remove-source-files"}),
                    "--remove-source-files refused");
  EXPECT_TRUE(fs::exists(VolumeDir("shop") + "/file.txt"));
}

TEST_F(AgentRefusalsTest, CopyLinksWouldFollowSymlinksOutOfTheVolume) {
  ExpectGateRefusal(Pull(mover_, "pvc/shop/data/", Path("dest"), {"--copy-links"}), "--copy-links");
  EXPECT_FALSE(fs::exists(Path("dest/escape")));
}

TEST_F(AgentRefusalsTest, AnExpiredKeyIsRefusedThoughStillListed) {
  const ProcessResult result = Pull(expired_, "pvc/shop/data/", Path("dest"));
  EXPECT_FALSE(result.Succeeded());
  EXPECT_THAT(result.stderr_data, HasSubstr("Permission denied"));
  EXPECT_FALSE(fs::exists(Path("dest/file.txt")));
}

TEST_F(AgentRefusalsTest, ControllerKeysCannotPull) {
  ExpectGateRefusal(Pull(controller_, "pvc/shop/data/", Path("dest")), "is a controller key");
}

TEST_F(AgentRefusalsTest, AWrongHostKeyFailsClosed) {
  const ProcessResult result = Pull(mover_, "pvc/shop/data/", Path("dest"), {});
  ASSERT_TRUE(result.Succeeded()) << result.stderr_data;  // the right pin works
  std::vector<std::string> argv = {"rsync",
                                   "-a",
                                   "-e",
                                   SshCommand(mover_, Path("known_hosts_wrong")),
                                   "root@127.0.0.1:pvc/shop/data/",
                                   Path("dest2") + "/"};
  const ProcessResult wrong = Run(argv);
  EXPECT_FALSE(wrong.Succeeded());
  EXPECT_THAT(wrong.stderr_data, HasSubstr("Host key verification failed"));
  EXPECT_FALSE(fs::exists(Path("dest2/file.txt")));
}

}  // namespace
}  // namespace drs::agent::test
