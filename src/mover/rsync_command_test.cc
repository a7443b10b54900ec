#include "mover/rsync_command.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mover/ssh_command.h"

namespace drs::mover {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;

PullOptions Options() {
  PullOptions o;
  o.host = "10.0.0.7";
  o.path = "pvc/shop/data/";
  o.dest = "/data";
  o.identity_file = "/keys/id_ed25519";
  o.known_hosts_file = "/keys/known_hosts";
  return o;
}

TEST(SshCommandTest, PinsTheHostKeyAndOffersOnlyTheKey) {
  const std::vector<std::string> argv = BuildSshArgv({.ssh_program = "ssh",
                                                      .port = 2222,
                                                      .identity_file = "/k/id",
                                                      .known_hosts_file = "/k/known hosts"});
  EXPECT_EQ(argv[0], "ssh");
  std::vector<std::string> options;
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == "-o") options.push_back(argv[i + 1]);
  }
  for (std::string_view want :
       {"StrictHostKeyChecking=yes", "UserKnownHostsFile=\"/k/known hosts\"",
        "GlobalKnownHostsFile=/dev/null", "HostKeyAlgorithms=ssh-ed25519", "IdentitiesOnly=yes",
        "BatchMode=yes", "PasswordAuthentication=no", "ConnectTimeout=30", "ServerAliveInterval=15",
        "ServerAliveCountMax=4", "ForwardAgent=no", "ForwardX11=no", "ClearAllForwardings=yes",
        "LogLevel=ERROR"}) {
    EXPECT_THAT(options, Contains(std::string(want)));
  }
  const auto config = std::find(argv.begin(), argv.end(), "-F");
  ASSERT_NE(config, argv.end());
  EXPECT_EQ(*(config + 1), "/dev/null");  // no config file can weaken the options
  const auto port = std::find(argv.begin(), argv.end(), "-p");
  ASSERT_NE(port, argv.end());
  EXPECT_EQ(*(port + 1), "2222");
  const auto identity = std::find(argv.begin(), argv.end(), "-i");
  ASSERT_NE(identity, argv.end());
  EXPECT_EQ(*(identity + 1), "/k/id");
}

TEST(SshCommandTest, SharesTheConnectionOnlyWhenGivenASocket) {
  const SshTarget alone{.port = 2222, .identity_file = "/k/id", .known_hosts_file = "/k/kh"};
  EXPECT_THAT(BuildSshArgv(alone), Not(Contains("ControlMaster=no")));
  SshTarget shared = alone;
  shared.control_path = "/tmp/dr-syncer-ssh-x/control";
  const std::vector<std::string> argv = BuildSshArgv(shared);
  EXPECT_THAT(argv, Contains("ControlMaster=no"));
  EXPECT_THAT(argv, Contains("ControlPath=/tmp/dr-syncer-ssh-x/control"));
  // The transfer's ssh joins the pull's connection.
  PullOptions o = Options();
  o.ssh_control_path = shared.control_path;
  const std::vector<std::string> transfer = BuildTransferArgv(o, {});
  const auto rsh = std::find(transfer.begin(), transfer.end(), "-e");
  ASSERT_NE(rsh, transfer.end());
  EXPECT_NE((rsh + 1)->find("ControlPath=/tmp/dr-syncer-ssh-x/control"), std::string::npos);
}

TEST(SshCommandTest, RshCommandLineQuotesWhatRsyncWouldSplit) {
  EXPECT_EQ(RshCommandLine({"ssh", "-i", "/k/my key", "-o", "UserKnownHostsFile=\"/a b\"", "x"}),
            "ssh -i '/k/my key' -o 'UserKnownHostsFile=\"/a b\"' x");
  EXPECT_EQ(RshCommandLine({"ssh", ""}), "ssh ''");
}

TEST(RsyncCommandTest, TransferArgvIsTheDocumentedOne) {
  const std::vector<std::string> argv = BuildTransferArgv(Options(), {});
  const std::vector<std::string> want_prefix = {"rsync",
                                                "--archive",
                                                "--hard-links",
                                                "--numeric-ids",
                                                "--sparse",
                                                "--modify-window=-1",
                                                "--delete",
                                                "--partial-dir=.dr-syncer-partial",
                                                "--filter=P /.dr-syncer-tmp/",
                                                "--exclude=/.dr-syncer-tmp/",
                                                "--temp-dir=.dr-syncer-tmp",
                                                "--stats",
                                                "--no-human-readable",
                                                "-e"};
  ASSERT_GT(argv.size(), want_prefix.size() + 2);
  EXPECT_EQ(std::vector<std::string>(argv.begin(), argv.begin() + std::ssize(want_prefix)),
            want_prefix);
  EXPECT_TRUE(argv[want_prefix.size()].starts_with("ssh -F /dev/null -p 2222 -i /keys/id_ed25519"))
      << argv[want_prefix.size()];
  EXPECT_EQ(argv[argv.size() - 2], "root@10.0.0.7:pvc/shop/data/");
  EXPECT_EQ(argv.back(), "/data/");
}

TEST(RsyncCommandTest, AclsAndXattrsOnlyWhenTheDestinationKeepsThem) {
  const auto without = BuildTransferArgv(Options(), {});
  EXPECT_THAT(without, Not(Contains("--acls")));
  EXPECT_THAT(without, Not(Contains("--xattrs")));
  const auto with = BuildTransferArgv(Options(), {.acls = true, .xattrs = true});
  EXPECT_THAT(with, Contains("--acls"));
  EXPECT_THAT(with, Contains("--xattrs"));
}

TEST(RsyncCommandTest, HolesAreKeptUnlessTheSourceHasNone) {
  PullOptions o = Options();
  EXPECT_THAT(BuildTransferArgv(o, {}), Contains("--sparse"));
  o.sparse = false;  // the source's digest counted no sparse file
  EXPECT_THAT(BuildTransferArgv(o, {}), Not(Contains("--sparse")));
  o.rsync_options = {"-S"};  // asked for: kept, once
  const std::vector<std::string> argv = BuildTransferArgv(o, {});
  EXPECT_EQ(std::count(argv.begin(), argv.end(), "--sparse"), 1);
  EXPECT_THAT(argv, Not(Contains("-S")));
}

TEST(RsyncCommandTest, UserOptionsAfterOursWithoutRepeats) {
  PullOptions o = Options();
  o.bwlimit_kib = 100;
  o.excludes = {"cache/", "*.tmp"};
  o.rsync_options = {"-H", "--checksum", "-X", "--numeric-ids", "-z", "--timeout=30"};
  const auto argv = BuildTransferArgv(o, {});
  EXPECT_THAT(argv, Contains("--bwlimit=100"));
  EXPECT_THAT(argv, Contains("--exclude=cache/"));
  EXPECT_THAT(argv, Contains("--exclude=*.tmp"));
  EXPECT_THAT(argv, Contains("--checksum"));
  EXPECT_THAT(argv, Contains("-z"));
  EXPECT_THAT(argv, Contains("--timeout=30"));
  EXPECT_THAT(argv, Not(Contains("-H")));  // --hard-links is already there
  EXPECT_THAT(argv, Not(Contains("-X")));  // decided by the probe
  EXPECT_EQ(std::count(argv.begin(), argv.end(), "--numeric-ids"), 1);
}

TEST(RsyncCommandTest, VerifyArgvIsADryChecksumPass) {
  PullOptions o = Options();
  o.rsync_options = {"-I", "--size-only", "--no-perms", "-c"};
  const auto argv = BuildVerifyArgv(o, {.acls = true, .xattrs = false}, "");
  for (std::string_view want : {"--checksum", "--dry-run", "--itemize-changes", "--delete",
                                "--acls", "--no-perms", "--partial-dir=.dr-syncer-partial"}) {
    EXPECT_THAT(argv, Contains(std::string(want)));
  }
  for (std::string_view not_wanted :
       {"-I", "--size-only", "-c", "--delay-updates", "--info=progress2", "--xattrs", "--from0"}) {
    EXPECT_THAT(argv, Not(Contains(std::string(not_wanted))));
  }
}

TEST(RsyncCommandTest, SampleVerifyIncludesTheRulesThenExcludesTheRest) {
  const auto argv = BuildVerifyArgv(Options(), {}, "/data/.dr-syncer-tmp/sample-rules");
  const auto rules =
      std::find(argv.begin(), argv.end(), "--include-from=/data/.dr-syncer-tmp/sample-rules");
  ASSERT_NE(rules, argv.end());
  EXPECT_EQ(*(rules - 1), "--from0");
  EXPECT_EQ(*(rules + 1), "--exclude=*");
}

TEST(RsyncCommandTest, Ipv6HostGoesInBrackets) {
  PullOptions o = Options();
  o.host = "fd00::7";
  o.user = "mover";
  EXPECT_EQ(RemoteSource(o), "mover@[fd00::7]:pvc/shop/data/");
}

TEST(RsyncCommandTest, EnvironmentIsMinimal) {
  const auto env = RsyncEnvironment();
  EXPECT_THAT(env, Contains("LC_ALL=C"));
  for (const std::string& entry : env) {
    EXPECT_TRUE(entry.starts_with("LC_ALL=") || entry.starts_with("PATH=") ||
                entry.starts_with("HOME="))
        << entry;
  }
}

}  // namespace
}  // namespace drs::mover
