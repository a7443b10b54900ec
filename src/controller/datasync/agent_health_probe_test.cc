#include "controller/datasync/agent_health_probe.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "base/fake_clock.h"
#include "base/test_temp_dir.h"
#include "base/unique_fd.h"
#include "controller/datasync/sshkeys_minter.h"

namespace drs::controller::datasync {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kGoodAnswer =
    R"({"node":"node-a","version":"v1","keyId":"controller/2","time":"2026-01-01T00:00:00Z"})"
    "\n";

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

mode_t Mode(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

// What the runner saw while ssh "ran".
struct SeenRun {
  ProcessSpec spec;
  std::string identity_file;
  std::string identity;  // the key file's contents at that moment
  mode_t identity_mode = 0;
  mode_t dir_mode = 0;
  std::string known_hosts;
};

std::string ArgAfter(const std::vector<std::string>& argv, const std::string& flag) {
  auto it = std::find(argv.begin(), argv.end(), flag);
  return it == argv.end() || it + 1 == argv.end() ? "" : *(it + 1);
}

class AgentHealthProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto host = minter_.Mint("host");
    auto newest = minter_.Mint("controller 2");
    auto older = minter_.Mint("controller 1");
    ASSERT_TRUE(host.ok() && newest.ok() && older.ok());
    host_public_ = host->public_key;
    newest_ = std::move(newest->private_key);
    older_ = std::move(older->private_key);
    settings_ = {.port = 2222, .keys = {&newest_, &older_}, .host_keys = {host_public_}};
  }

  // A runner that records what it saw and answers with `results` in turn.
  ProcessRunner Recording(std::vector<ProcessResult> results) {
    return [this, results = std::move(results)](const ProcessSpec& spec,
                                                std::stop_token) -> Result<ProcessResult> {
      SeenRun seen{.spec = spec};
      seen.identity_file = ArgAfter(spec.argv, "-i");
      seen.identity = Slurp(seen.identity_file);
      seen.identity_mode = Mode(seen.identity_file);
      seen.dir_mode = Mode(fs::path(seen.identity_file).parent_path());
      for (std::size_t i = 0; i + 1 < spec.argv.size(); ++i) {
        if (spec.argv[i + 1].starts_with("UserKnownHostsFile=")) {
          seen.known_hosts = Slurp(spec.argv[i + 1].substr(sizeof("UserKnownHostsFile=") - 1));
        }
      }
      const std::size_t n = seen_.size();
      seen_.push_back(std::move(seen));
      return results.at(std::min(n, results.size() - 1));
    };
  }

  static ProcessResult Exit(int code, std::string out, std::string err) {
    ProcessResult r;
    r.exit_code = code;
    r.stdout_data = std::move(out);
    r.stderr_data = std::move(err);
    return r;
  }

  SshKeysMinter minter_;
  std::string host_public_;
  SecretBytes newest_;
  SecretBytes older_;
  HealthProbeSettings settings_;
  std::vector<SeenRun> seen_;
};

TEST_F(AgentHealthProbeTest, KeyFileIsPrivateWhileSshRunsAndGoneAfter) {
  const AgentHealth h = ProbeAgent({"node-a", "10.0.0.1"}, settings_,
                                   Recording({Exit(0, std::string(kGoodAnswer), "")}), {});
  EXPECT_TRUE(h.ok) << h.reason;
  ASSERT_EQ(seen_.size(), 1u);
  const SeenRun& run = seen_[0];
  EXPECT_EQ(run.identity, newest_.reveal());
  EXPECT_EQ(run.identity_mode, 0600u);
  EXPECT_EQ(run.dir_mode, 0700u);
  // The pinned host key for [address]:port, nothing else.
  EXPECT_EQ(run.known_hosts,
            "[10.0.0.1]:2222 " + host_public_.substr(0, host_public_.find(' ', 12)) + "\n");
  EXPECT_FALSE(fs::exists(run.identity_file));
  EXPECT_FALSE(fs::exists(fs::path(run.identity_file).parent_path()));
  // A minimal environment, a timeout, and the key only ever in the file.
  EXPECT_TRUE(run.spec.clear_env);
  for (const auto& [name, value] : run.spec.env) {
    EXPECT_TRUE(name == "PATH" || name == "LC_ALL") << name;
  }
  EXPECT_EQ(run.spec.timeout, kHealthProbeTimeout);
  for (const std::string& arg : run.spec.argv) {
    EXPECT_EQ(arg.find("PRIVATE KEY"), std::string::npos);
  }
}

TEST_F(AgentHealthProbeTest, OlderKeyIsTriedWhenTheNewestIsRefused) {
  const AgentHealth h =
      ProbeAgent({"node-a", "10.0.0.1"}, settings_,
                 Recording({Exit(255, "", "root@10.0.0.1: Permission denied (publickey).\n"),
                            Exit(0, std::string(kGoodAnswer), "")}),
                 {});
  EXPECT_TRUE(h.ok) << h.reason;
  ASSERT_EQ(seen_.size(), 2u);
  EXPECT_EQ(seen_[0].identity, newest_.reveal());
  EXPECT_EQ(seen_[1].identity, older_.reveal());
  EXPECT_NE(seen_[0].identity_file, seen_[1].identity_file);  // a fresh directory each
}

TEST_F(AgentHealthProbeTest, ReasonIsSshsOrTheGatesFirstLineAndNeverTheKey) {
  const AgentHealth refused =
      ProbeAgent({"node-a", "10.0.0.1"}, settings_,
                 Recording({Exit(1, "",
                                 "dr-syncer-agent: refused: key \"controller/9\" is not "
                                 "listed\nsecond line\n")}),
                 {});
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.reason, "dr-syncer-agent: refused: key \"controller/9\" is not listed");
  EXPECT_EQ(refused.reason.find(std::string(newest_.reveal())), std::string::npos);

  const AgentHealth wrong = ProbeAgent({"node-b", "10.0.0.2"}, settings_,
                                       Recording({Exit(0, std::string(kGoodAnswer), "")}), {});
  EXPECT_FALSE(wrong.ok);
  EXPECT_NE(wrong.reason.find("\"node-a\", not \"node-b\""), std::string::npos) << wrong.reason;

  const AgentHealth garbage =
      ProbeAgent({"node-a", "10.0.0.1"}, settings_, Recording({Exit(0, "hello\n", "")}), {});
  EXPECT_FALSE(garbage.ok);
  EXPECT_NE(garbage.reason.find("not a JSON object"), std::string::npos) << garbage.reason;

  ProcessResult slow = Exit(-1, "", "");
  slow.timed_out = true;
  slow.term_signal = 9;
  const AgentHealth timed_out =
      ProbeAgent({"node-a", "10.0.0.1"}, settings_, Recording({slow}), {});
  EXPECT_EQ(timed_out.reason, "no answer within 10s");
}

TEST_F(AgentHealthProbeTest, NoLiveKeyOrBadAddressIsAFailureWithoutSsh) {
  settings_.keys.clear();
  EXPECT_EQ(ProbeAgent({"node-a", "10.0.0.1"}, settings_, Recording({}), {}).reason,
            "the cluster has no live controller key");
  SetUp();
  EXPECT_FALSE(ProbeAgent({"node-a", "bad host"}, settings_, Recording({}), {}).ok);
  EXPECT_TRUE(seen_.empty());
}

TEST_F(AgentHealthProbeTest, RealSshToAClosedPortReportsItsError) {
  // A port that was free a moment ago: connecting is refused.
  UniqueFd s(::socket(AF_INET, SOCK_STREAM, 0));
  ASSERT_TRUE(s.valid());
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::bind(s.get(), reinterpret_cast<sockaddr*>(&addr), len), 0);
  ASSERT_EQ(::getsockname(s.get(), reinterpret_cast<sockaddr*>(&addr), &len), 0);
  settings_.port = ntohs(addr.sin_port);
  s.Reset();
  settings_.keys = {&newest_};
  const AgentHealth h = ProbeAgent({"node-a", "127.0.0.1"}, settings_, RunProcess, {});
  EXPECT_FALSE(h.ok);
  EXPECT_NE(h.reason.find("Connection refused"), std::string::npos) << h.reason;
}

TEST_F(AgentHealthProbeTest, CheckerProbesEachAgentOncePerIntervalAtMostFourAtOnce) {
  FakeClock clock;
  std::atomic<int> calls{0};
  std::atomic<int> in_flight{0};
  std::atomic<int> most{0};
  AgentHealthChecker checker(clock, [&](const ProcessSpec& spec, std::stop_token) {
    ++calls;
    const int now = ++in_flight;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    ProcessResult r = Exit(0, "", "");
    // Answer for the node this ssh was pointed at (the address encodes it).
    const std::string address = spec.argv[spec.argv.size() - 2];
    r.stdout_data = R"({"node":"node-)" + address.substr(address.rfind('.') + 1) + R"("})";
    --in_flight;
    return Result<ProcessResult>(std::move(r));
  });
  std::vector<AgentTarget> targets;
  for (int i = 1; i <= 9; ++i) {
    targets.push_back({"node-" + std::to_string(i), "10.0.0." + std::to_string(i)});
  }
  settings_.keys = {&newest_};
  const api::Duration interval = std::chrono::seconds(30);
  auto results = checker.Check("ns/src", targets, settings_, interval, {});
  ASSERT_EQ(results.size(), targets.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    EXPECT_TRUE(results[i].ok) << results[i].reason;
    EXPECT_EQ(results[i].target, targets[i]);
  }
  EXPECT_EQ(calls.load(), 9);
  EXPECT_LE(most.load(), kMaxConcurrentHealthProbes);

  clock.Advance(std::chrono::seconds(29));
  EXPECT_EQ(checker.Check("ns/src", targets, settings_, interval, {}).size(), 9u);
  EXPECT_EQ(calls.load(), 9);  // remembered
  targets.push_back({"node-10", "10.0.0.10"});
  checker.Check("ns/src", targets, settings_, interval, {});
  EXPECT_EQ(calls.load(), 10);  // only the new agent
  clock.Advance(std::chrono::seconds(1));
  checker.Check("ns/src", targets, settings_, interval, {});
  EXPECT_EQ(calls.load(), 19);  // the first nine are due again
  checker.Forget("ns/src");
  checker.Check("ns/src", targets, settings_, interval, {});
  EXPECT_EQ(calls.load(), 29);
}

TEST(AgentHealthProbeFilesTest, StaleProbeDirectoriesAreRemovedFreshOnesKept) {
  test::TempDir base;
  ASSERT_TRUE(base.ok());
  const auto make = [&](const std::string& name) {
    const std::string dir = base.Join(name);
    fs::create_directory(dir);
    std::ofstream(dir + "/id") << "key";
    std::ofstream(dir + "/known_hosts") << "hosts";
    return dir;
  };
  const std::string left = make("dr-syncer-health-left");
  const std::string other = make("someone-else");
  const auto now = Clock::WallTime::clock::now();
  // Fresh: a probe may be running.
  EXPECT_EQ(RemoveStaleProbeDirs(base.path(), now), 0);
  EXPECT_TRUE(fs::exists(left));
  // Three minutes later it is a leftover; other names are never touched.
  EXPECT_EQ(RemoveStaleProbeDirs(base.path(), now + std::chrono::minutes(3)), 1);
  EXPECT_FALSE(fs::exists(left));
  EXPECT_TRUE(fs::exists(other + "/id"));
}

}  // namespace
}  // namespace drs::controller::datasync
