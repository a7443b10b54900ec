// The mover through the agent's real gate: `dr-syncer-agent run` with the
// real sshd (the agent's own test fixture), RunPull as the mover Job runs
// it. Proves that the transfer and both verification passes send commands
// the gate's allow-list accepts, and that a refusal comes back terminal.

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agent_fixture.h"
#include "base/tree_digest.h"
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

// The digests one run reports, as the controller passes them to the next.
PullOptions WithPrevious(PullOptions o, const PullResult& last) {
  o.skip_unchanged = true;
  o.previous_source_digest = last.source_digest;
  o.previous_destination_digest = last.destination_digest;
  return o;
}

// Processes alive or unreaped (zombies) that are a pull's background ssh:
// their command line is "ssh: <control socket> [mux]".
int SharedSshProcesses() {
  int n = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string status = Read(entry.path().string() + "/status");
    const std::string cmdline = Read(entry.path().string() + "/cmdline");
    const bool zombie_child =
        status.find("State:\tZ") != std::string::npos &&
        status.find("PPid:\t" + std::to_string(::getpid()) + "\n") != std::string::npos;
    if (cmdline.find("dr-syncer-ssh-") != std::string::npos || zombie_child) {
      ++n;
      std::cerr << "leftover: " << name << " " << cmdline << "\n" << status.substr(0, 200) << "\n";
    }
  }
  return n;
}

std::size_t CountOf(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

TEST_F(MoverGateTest, SkipsAnUnchangedVolumeAndCopiesAnyChange) {
  StartAgent();
  PullOptions o = Options("pvc/shop/data/");
  o.skip_unchanged = true;
  const std::string kLogin = "Accepted publickey for root";
  const std::size_t logins_before = CountOf(AgentLog(), kLogin);
  const PullResult first = RunPull(o, {});
  ASSERT_TRUE(first.succeeded) << first.reason;
  // The digest and the transfer shared one connection: one login.
  ASSERT_TRUE(Eventually([&] { return CountOf(AgentLog(), kLogin) > logins_before; }));
  EXPECT_EQ(CountOf(AgentLog(), kLogin), logins_before + 1);
  // ...which ended with the pull, its background ssh reaped, not left over.
  EXPECT_EQ(SharedSshProcesses(), 0);
  EXPECT_FALSE(first.unchanged);
  EXPECT_GT(first.stats.files_transferred, 0);
  ASSERT_TRUE(IsTreeDigestValue(first.source_digest)) << first.source_digest;
  ASSERT_TRUE(IsTreeDigestValue(first.destination_digest)) << first.destination_digest;

  const PullResult second = RunPull(WithPrevious(o, first), {});
  ASSERT_TRUE(second.succeeded) << second.reason;
  EXPECT_TRUE(second.unchanged);
  EXPECT_EQ(second.stats.files_transferred, 0);
  EXPECT_EQ(second.stats.regular_files_total, first.stats.regular_files_total);
  EXPECT_EQ(second.source_digest, first.source_digest);
  EXPECT_EQ(second.destination_digest, first.destination_digest);
  EXPECT_FALSE(fs::exists(Path("dest/.dr-syncer-tmp"))) << "a skipped run touched the copy";

  // A change at the source is copied.
  std::ofstream(VolumeDir("shop") + "/file.txt", std::ios::trunc) << "changed at the source\n";
  const PullResult third = RunPull(WithPrevious(o, second), {});
  ASSERT_TRUE(third.succeeded) << third.reason;
  EXPECT_FALSE(third.unchanged);
  EXPECT_EQ(Read(Path("dest/file.txt")), "changed at the source\n");
  EXPECT_NE(third.source_digest, second.source_digest);

  // A change to the copy is repaired, though the source did not change.
  std::ofstream(Path("dest/dir/nested/deep.txt"), std::ios::trunc) << "edited in DR\n";
  const PullResult fourth = RunPull(WithPrevious(o, third), {});
  ASSERT_TRUE(fourth.succeeded) << fourth.reason;
  EXPECT_FALSE(fourth.unchanged);
  EXPECT_EQ(Read(Path("dest/dir/nested/deep.txt")), "deep\n");
  EXPECT_EQ(fourth.source_digest, third.source_digest);

  // Other settings never match a digest recorded under the old ones.
  PullOptions excluding = WithPrevious(o, fourth);
  excluding.excludes = {"/dir/"};
  const PullResult fifth = RunPull(excluding, {});
  ASSERT_TRUE(fifth.succeeded) << fifth.reason;
  EXPECT_FALSE(fifth.unchanged);

  // And with verification, an unchanged volume is still checked.
  PullOptions verifying = WithPrevious(excluding, fifth);
  verifying.verification = Verification::kFull;
  const PullResult sixth = RunPull(verifying, {});
  ASSERT_TRUE(sixth.succeeded) << sixth.reason;
  EXPECT_TRUE(sixth.unchanged);
  EXPECT_GT(sixth.verification.checked, 0);
  EXPECT_EQ(sixth.verification.mismatches, 0);
  // Verifying touched the copy's temp dir, so its digest was taken again;
  // the next run still finds it unchanged.
  const PullResult seventh = RunPull(WithPrevious(excluding, sixth), {});
  ASSERT_TRUE(seventh.succeeded) << seventh.reason;
  EXPECT_TRUE(seventh.unchanged);
  EXPECT_TRUE(Eventually(
      [&] { return AgentLog().find("tree digest of pvc/shop/data/") != std::string::npos; }));
}

TEST_F(MoverGateTest, HolesAreKeptWhenTheSourceHasThem) {
  // The digest counts sparse files; only then does rsync handle holes, and
  // a sparse source file must stay sparse in the copy.
  {
    std::ofstream hole(VolumeDir("shop") + "/disk.img", std::ios::binary);
    hole.seekp(64 << 20);
    hole << "end";
  }
  StartAgent();
  PullOptions o = Options("pvc/shop/data/");
  o.skip_unchanged = true;
  const PullResult r = RunPull(o, {});
  ASSERT_TRUE(r.succeeded) << r.reason;
  struct stat st {};
  ASSERT_EQ(::stat(Path("dest/disk.img").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, (64 << 20) + 3);
  EXPECT_LT(st.st_blocks * 512, 1 << 20) << "the hole was written out";
}

TEST_F(MoverGateTest, WithoutASourceDigestTheTransferRunsInFull) {
  StartAgent();
  PullOptions o = Options("pvc/shop/data/");
  o.skip_unchanged = true;
  const PullResult first = RunPull(o, {});
  ASSERT_TRUE(first.succeeded) << first.reason;
  // Digests from elsewhere (another volume's) never match: copied again.
  PullOptions stale = WithPrevious(o, first);
  stale.previous_source_digest = "sha256:" + std::string(64, '0');
  const PullResult second = RunPull(stale, {});
  ASSERT_TRUE(second.succeeded) << second.reason;
  EXPECT_FALSE(second.unchanged);
  // A mover key the agent no longer lists gets no digest and no transfer.
  WriteAccess(nlohmann::json::array());
  ASSERT_TRUE(Eventually([&] {
    const PullResult r = RunPull(WithPrevious(o, second), {});
    return !r.succeeded && !r.unchanged && r.source_digest.empty();
  }));
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
