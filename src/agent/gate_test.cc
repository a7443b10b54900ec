#include "agent/gate.h"

#include <filesystem>
#include <optional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "agent/agent_test_util.h"
#include "base/rfc3339.h"
#include "base/test_temp_dir.h"

namespace drs::agent {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Action = GateDecision::Action;

constexpr const char* kPull =
    "rsync --server --sender -lHogDtpAXrSe.LsfxCIvu --numeric-ids . pvc/shop/data/";

class GateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    fs::create_directories(dir_.Join("pods/uid-1/volumes/kubernetes.io~csi/pv-shop/mount"));
    fs::create_directories(dir_.Join("pods/uid-2/volumes/kubernetes.io~csi/pv-other/mount"));
    nlohmann::json mover = test::MoverKey("mover/shop/7", 'm', "shop", "data", "pv-shop");
    nlohmann::json expired = test::MoverKey("mover/shop/6", 'o', "shop", "data", "pv-shop");
    expired["notAfter"] = "2026-01-01T00:00:00Z";
    policy_ = ParseAccessPolicy(
        test::AccessJson({mover, expired, test::ControllerKey("controller/1", 'c')}));
    ASSERT_TRUE(policy_.ok()) << policy_.error();
  }

  GateDecision Decide(const std::string& key_id, std::optional<std::string> command) {
    const GateConfig config{.access_file = "/unused",
                            .key_id = key_id,
                            .kubelet_pods_dir = dir_.Join("pods"),
                            .node_name = "node-1",
                            .audit_log = "",
                            .rsync_binary = "/usr/bin/rsync",
                            .version = "1.2.3"};
    return DecideGate(config, policy_, command, now_);
  }

  void ExpectRefused(const std::string& key_id, std::optional<std::string> command,
                     const std::string& reason) {
    const GateDecision decision = Decide(key_id, command);
    EXPECT_EQ(decision.action, Action::kRefuse) << command.value_or("<none>");
    EXPECT_THAT(decision.reason, HasSubstr(reason)) << command.value_or("<none>");
    EXPECT_EQ(decision.reason.find('\n'), std::string::npos);
    EXPECT_TRUE(decision.rsync_argv.empty());
  }

  drs::test::TempDir dir_;
  Result<AccessPolicy> policy_ = AccessPolicy{};
  Clock::WallTime now_ = *ParseRfc3339("2026-06-01T00:00:00Z");
};

TEST_F(GateTest, MoverPullsItsVolume) {
  const GateDecision decision = Decide("mover/shop/7", kPull);
  ASSERT_EQ(decision.action, Action::kRsync) << decision.reason;
  const std::string mount =
      fs::canonical(dir_.Join("pods/uid-1/volumes/kubernetes.io~csi/pv-shop/mount")).string();
  EXPECT_EQ(decision.volume_dir, mount);
  EXPECT_THAT(decision.rsync_argv,
              ElementsAre("/usr/bin/rsync", "--server", "--sender", "-lHogDtpAXrSe.LsfxCIvu",
                          "--numeric-ids", ".", mount + "/"));
}

TEST_F(GateTest, ControllerGetsHealth) {
  const GateDecision decision = Decide("controller/1", "dr-syncer-health");
  ASSERT_EQ(decision.action, Action::kHealth) << decision.reason;
  const auto answer = nlohmann::json::parse(decision.health_json);
  EXPECT_EQ(answer["node"], "node-1");
  EXPECT_EQ(answer["version"], "1.2.3");
  EXPECT_EQ(answer["keyId"], "controller/1");
}

TEST_F(GateTest, RefusesShells) {
  ExpectRefused("mover/shop/7", std::nullopt, "interactive shells");
  ExpectRefused("mover/shop/7", "sh -c id", "shell commands are refused");
  ExpectRefused("mover/shop/7", "bash", "shell commands are refused");
  ExpectRefused("mover/shop/7", "sh -c 'id'", "metacharacter");
  ExpectRefused("controller/1", std::nullopt, "interactive shells");
}

TEST_F(GateTest, RefusesScpSftpAndOtherCommands) {
  ExpectRefused("mover/shop/7", "scp -f pvc/shop/data/file", "scp is refused");
  ExpectRefused("mover/shop/7", "scp -t pvc/shop/data/", "scp is refused");
  ExpectRefused("mover/shop/7", "/usr/lib/openssh/sftp-server", "sftp is refused");
  ExpectRefused("mover/shop/7", "internal-sftp", "sftp is refused");
  ExpectRefused("mover/shop/7", "cat /etc/shadow", "command \"cat\" is not allowed");
  ExpectRefused("mover/shop/7", "", "empty command");
}

TEST_F(GateTest, MoverDigestsItsVolume) {
  const GateDecision decision = Decide("mover/shop/7", "dr-syncer-tree-digest pvc/shop/data/");
  ASSERT_EQ(decision.action, Action::kTreeDigest) << decision.reason;
  EXPECT_EQ(decision.volume_dir,
            fs::canonical(dir_.Join("pods/uid-1/volumes/kubernetes.io~csi/pv-shop/mount")));
  EXPECT_THAT(decision.reason, HasSubstr("tree digest of pvc/shop/data/"));
  EXPECT_TRUE(decision.rsync_argv.empty());
}

TEST_F(GateTest, TreeDigestFollowsTheSameRulesAsPulls) {
  ExpectRefused("controller/1", "dr-syncer-tree-digest pvc/shop/data/", "controller key");
  ExpectRefused("mover/shop/7", "dr-syncer-tree-digest pvc/other/data/",
                "may not read volume pvc/other/data/");
  ExpectRefused("mover/shop/7", "dr-syncer-tree-digest pvc/shop/../x/", "traversal");
  ExpectRefused("mover/shop/7", "dr-syncer-tree-digest /etc/", "absolute path");
  ExpectRefused("mover/shop/7", "dr-syncer-tree-digest", "takes one argument");
  ExpectRefused("mover/shop/7", "dr-syncer-tree-digest pvc/shop/data/ pvc/other/data/",
                "takes one argument");
  ExpectRefused("mover/shop/6", "dr-syncer-tree-digest pvc/shop/data/", "expired");
  fs::remove_all(dir_.Join("pods/uid-1"));
  ExpectRefused("mover/shop/7", "dr-syncer-tree-digest pvc/shop/data/",
                "not mounted by any pod on this node");
}

TEST_F(GateTest, RolesAreSeparate) {
  ExpectRefused("mover/shop/7", "dr-syncer-health", "only controller keys");
  ExpectRefused("controller/1", kPull, "controller key");
  ExpectRefused("controller/1", "dr-syncer-health --verbose", "takes no arguments");
}

TEST_F(GateTest, MoverReadsOnlyItsOwnVolumes) {
  ExpectRefused("mover/shop/7", "rsync --server --sender -logDtpre.iLsfxCIvu . pvc/other/data/",
                "may not read volume pvc/other/data/");
  ExpectRefused("mover/shop/7", "rsync --server --sender -logDtpre.iLsfxCIvu . pvc/shop/logs/",
                "may not read volume pvc/shop/logs/");
  ExpectRefused("mover/shop/7", "rsync --server --sender -logDtpre.iLsfxCIvu . pvc/shop/../x/",
                "traversal");
}

TEST_F(GateTest, RefusesWriteModes) {
  ExpectRefused("mover/shop/7", "rsync --server -logDtpre.iLsfxCIvu . pvc/shop/data/",
                "receiver mode");
  ExpectRefused("mover/shop/7",
                "rsync --server --sender -logDtpre.iLsfxCIvu --remove-source-files . "
                "pvc/shop/data/",
                "delete files");
}

TEST_F(GateTest, RefusesRemovedAndExpiredKeys) {
  ExpectRefused("mover/shop/5", kPull, "no longer in the access policy");
  ExpectRefused("mover/shop/6", kPull, "expired at 2026-01-01T00:00:00Z");
}

TEST_F(GateTest, FailsClosedWithoutAPolicy) {
  policy_ = InvalidError("access.json: not valid JSON");
  ExpectRefused("mover/shop/7", kPull, "access policy unavailable");
  ExpectRefused("controller/1", "dr-syncer-health", "access policy unavailable");
}

TEST_F(GateTest, RefusesAVolumeNotOnThisNode) {
  fs::remove_all(dir_.Join("pods/uid-1"));
  ExpectRefused("mover/shop/7", kPull, "not mounted by any pod on this node");
}

TEST_F(GateTest, RefusesASymlinkedVolume) {
  const std::string volume = dir_.Join("pods/uid-1/volumes/kubernetes.io~csi/pv-shop/mount");
  fs::remove_all(volume);
  fs::create_directories(dir_.Join("elsewhere"));
  fs::create_directory_symlink(dir_.Join("elsewhere"), volume);
  ExpectRefused("mover/shop/7", kPull, "symlink in the kubelet tree");
}

}  // namespace
}  // namespace drs::agent
