#include "agent/sshd_config.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drs::agent {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

SshdConfigParams Params() {
  return {.listen_address = "10.0.0.7",
          .port = 2222,
          .host_key_file = "/run/dr-syncer-agent/ssh_host_ed25519_key",
          .authorized_keys_file = "/run/dr-syncer-agent/authorized_keys",
          .pid_file = "/run/dr-syncer-agent/sshd.pid"};
}

TEST(SshdConfigTest, LocksSshdDown) {
  auto config = RenderSshdConfig(Params());
  ASSERT_TRUE(config.ok()) << config.error();
  for (const char* line : {
           "\nPort 2222\n",
           "\nListenAddress 10.0.0.7\n",
           "\nHostKey /run/dr-syncer-agent/ssh_host_ed25519_key\n",
           "\nPidFile /run/dr-syncer-agent/sshd.pid\n",
           "\nAuthorizedKeysFile /run/dr-syncer-agent/authorized_keys\n",
           "\nAuthorizedKeysCommand none\n",
           "\nPubkeyAuthentication yes\n",
           "\nPubkeyAcceptedAlgorithms ssh-ed25519\n",
           "\nAuthenticationMethods publickey\n",
           "\nPasswordAuthentication no\n",
           "\nKbdInteractiveAuthentication no\n",
           "\nPermitRootLogin forced-commands-only\n",
           "\nPermitTTY no\n",
           "\nDisableForwarding yes\n",
           "\nAllowAgentForwarding no\n",
           "\nAllowTcpForwarding no\n",
           "\nAllowStreamLocalForwarding no\n",
           "\nX11Forwarding no\n",
           "\nPermitTunnel no\n",
           "\nGatewayPorts no\n",
           "\nPermitUserEnvironment no\n",
           "\nPermitUserRC no\n",
           "\nUsePAM no\n",
           "\nStrictModes yes\n",
           "\nLogLevel VERBOSE\n",
           "\nMaxStartups 10:30:60\n",
           "\nCiphers "
           "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com\n",
           "\nMACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com\n",
       }) {
    EXPECT_THAT(*config, HasSubstr(line));
  }
  // No subsystem at all: sftp requests are refused by sshd itself.
  EXPECT_THAT(*config, Not(HasSubstr("\nSubsystem")));
  EXPECT_THAT(*config, Not(HasSubstr("AcceptEnv")));
}

TEST(SshdConfigTest, AcceptsIpv6) {
  SshdConfigParams params = Params();
  params.listen_address = "fd00::7";
  auto config = RenderSshdConfig(params);
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_THAT(*config, HasSubstr("\nListenAddress fd00::7\n"));
}

TEST(SshdConfigTest, RefusesBadValues) {
  for (const std::string address : {"", "node-1", "10.0.0.7 2222", "10.0.0.7\nPermitTTY yes"}) {
    SshdConfigParams params = Params();
    params.listen_address = address;
    auto config = RenderSshdConfig(params);
    ASSERT_FALSE(config.ok()) << address;
    EXPECT_THAT(config.error().message(), HasSubstr("listen address"));
  }
  SshdConfigParams no_port = Params();
  no_port.port = 0;
  EXPECT_FALSE(RenderSshdConfig(no_port).ok());
  for (const std::string path : {"relative/key", "/a b", "/a%u", "/a\nPermitTTY yes", "/a\"b"}) {
    SshdConfigParams params = Params();
    params.authorized_keys_file = path;
    auto config = RenderSshdConfig(params);
    ASSERT_FALSE(config.ok()) << path;
    EXPECT_THAT(config.error().message(), HasSubstr("authorized keys file"));
  }
}

}  // namespace
}  // namespace drs::agent
