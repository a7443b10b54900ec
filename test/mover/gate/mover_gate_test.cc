// The mover through the agent's real gate: `dr-syncer-agent run` with the
// real sshd (the agent's own test fixture), RunPull as the mover Job runs
// it. Proves that the transfer and both verification passes send commands
// the gate's allow-list accepts, and that a refusal comes back terminal.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agent_fixture.h"
#include "mover/pull.h"

namespace drs::mover {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

class MoverGateTest : public agent::test::AgentFixture {
 protected:
  PullOptions Options(const std::string& path) {
    PullOptions o;
    o.host = "127.0.0.1";
    o.port = ssh_port_;
    o.path = path;
    o.dest = Path("dest");
    fs::create_directories(o.dest);
    o.identity_file = mover_.private_path;
    o.known_hosts_file = Path("known_hosts");
    o.timeout = std::chrono::minutes(2);
    o.sample_seed = 1;
    return o;
  }
};

TEST_F(MoverGateTest, PullsAndVerifiesThroughTheRealGate) {
  StartAgent();
  for (Verification mode : {Verification::kNone, Verification::kFull, Verification::kSample}) {
    PullOptions o = Options("pvc/shop/data/");
    o.verification = mode;
    o.sample_percent = 100;
    o.rsync_options = {"--compress", "--timeout=60"};
    const PullResult r = RunPull(o, {});
    ASSERT_TRUE(r.succeeded) << VerificationName(mode) << ": " << r.reason;
    if (mode != Verification::kNone) {
      EXPECT_GT(r.verification.checked, 0) << VerificationName(mode);
      EXPECT_EQ(r.verification.mismatches, 0);
    }
  }
  EXPECT_EQ(Read(Path("dest/file.txt")), "hello from shop\n");
  EXPECT_EQ(Read(Path("dest/dir/nested/deep.txt")), "deep\n");
}

TEST_F(MoverGateTest, AVolumeTheKeyMayNotReadIsATerminalRefusal) {
  StartAgent();
  const PullResult r = RunPull(Options("pvc/other/logs/"), {});
  EXPECT_FALSE(r.succeeded);
  EXPECT_FALSE(r.retryable) << r.reason;
  EXPECT_THAT(r.reason, HasSubstr("rsync gate refused"));
  EXPECT_TRUE(fs::is_empty(Path("dest")));
}

}  // namespace
}  // namespace drs::mover
