#include "agent/authorized_keys.h"

#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "agent/agent_test_util.h"
#include "base/rfc3339.h"

namespace drs::agent {
namespace {

using test::AccessJson;
using test::ControllerKey;
using test::KeyLine;
using test::MoverKey;
using ::testing::HasSubstr;

GateCommand Command() {
  return GateCommand{.agent_binary = "/usr/local/bin/dr-syncer-agent",
                     .access_file = "/etc/dr-syncer/access/access.json",
                     .kubelet_pods_dir = "/var/lib/kubelet/pods",
                     .node_name = "node-1",
                     .audit_log = "/run/dr-syncer-agent/audit.log",
                     .rsync_binary = "/usr/bin/rsync",
                     .sandbox = "auto"};
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with('#')) lines.push_back(line);
  }
  return lines;
}

TEST(AuthorizedKeysTest, RendersOneRestrictedLinePerKey) {
  nlohmann::json mover = MoverKey("mover/shop/shop-dr/7", 'm', "shop", "data", "pv-1");
  mover["notAfter"] = "2026-11-27T08:00:00Z";
  auto policy = ParseAccessPolicy(AccessJson({ControllerKey("controller/3", 'c'), mover}));
  ASSERT_TRUE(policy.ok()) << policy.error();
  auto text = RenderAuthorizedKeys(*policy, Command());
  ASSERT_TRUE(text.ok()) << text.error();
  const auto lines = Lines(*text);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0],
            "restrict,command=\"/usr/local/bin/dr-syncer-agent rsync-gate "
            "--access-file=/etc/dr-syncer/access/access.json --key-id=controller/3 "
            "--kubelet-pods-dir=/var/lib/kubelet/pods --node-name=node-1 "
            "--audit-log=/run/dr-syncer-agent/audit.log --rsync=/usr/bin/rsync --sandbox=auto\" " +
                KeyLine('c'));
  EXPECT_EQ(lines[1],
            "restrict,command=\"/usr/local/bin/dr-syncer-agent rsync-gate "
            "--access-file=/etc/dr-syncer/access/access.json --key-id=mover/shop/shop-dr/7 "
            "--kubelet-pods-dir=/var/lib/kubelet/pods --node-name=node-1 "
            "--audit-log=/run/dr-syncer-agent/audit.log --rsync=/usr/bin/rsync --sandbox=auto\","
            "expiry-time=\"20261127080000Z\" " +
                KeyLine('m'));
  EXPECT_TRUE(text->ends_with('\n'));
}

TEST(AuthorizedKeysTest, EmptyPolicyAuthorizesNothing) {
  auto text = RenderAuthorizedKeys(AccessPolicy{}, Command());
  ASSERT_TRUE(text.ok()) << text.error();
  EXPECT_TRUE(Lines(*text).empty());
}

TEST(AuthorizedKeysTest, FormatsExpiryInUtc) {
  EXPECT_EQ(FormatSshdExpiryTime(*ParseRfc3339("2026-01-02T03:04:05+02:00")), "20260102010405Z");
}

TEST(AuthorizedKeysTest, RefusesCommandValuesThatCouldEscapeTheQuotes) {
  const std::vector<std::pair<std::string, std::string GateCommand::*>> fields = {
      {"agent binary", &GateCommand::agent_binary},
      {"access file", &GateCommand::access_file},
      {"kubelet pods dir", &GateCommand::kubelet_pods_dir},
      {"node name", &GateCommand::node_name},
      {"audit log", &GateCommand::audit_log},
      {"rsync binary", &GateCommand::rsync_binary},
  };
  for (const auto& [name, field] : fields) {
    for (const std::string bad : {"/a\"b", "/a\nb", "/a b", "/a$b", "/a%hb", "/a;b", ""}) {
      GateCommand command = Command();
      command.*field = bad;
      auto status = ValidateGateCommand(command);
      ASSERT_FALSE(status.ok()) << name << " accepted \"" << bad << "\"";
      EXPECT_THAT(status.error().message(), HasSubstr(name));
      EXPECT_FALSE(RenderAuthorizedKeys(AccessPolicy{}, command).ok());
    }
  }
  GateCommand relative = Command();
  relative.access_file = "access.json";
  EXPECT_THAT(ValidateGateCommand(relative).error().message(), HasSubstr("absolute"));
  GateCommand sandbox = Command();
  sandbox.sandbox = "off";
  EXPECT_THAT(ValidateGateCommand(sandbox).error().message(), HasSubstr("sandbox"));
}

TEST(AuthorizedKeysTest, RechecksKeysNotBuiltByTheParser) {
  AccessPolicy policy;
  policy.keys.push_back(AccessKey{.id = "a\"b", .public_key = KeyLine('a')});
  EXPECT_FALSE(RenderAuthorizedKeys(policy, Command()).ok());
  policy.keys[0] = AccessKey{.id = "ok", .public_key = KeyLine('a') + "\nssh-ed25519 AAAA"};
  EXPECT_FALSE(RenderAuthorizedKeys(policy, Command()).ok());
  policy.keys[0] = AccessKey{.id = "ok", .public_key = "command=\"sh\" " + KeyLine('a')};
  EXPECT_FALSE(RenderAuthorizedKeys(policy, Command()).ok());
}

}  // namespace
}  // namespace drs::agent
