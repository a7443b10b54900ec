#include "agent/sshd_supervisor.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "base/fake_clock.h"
#include "base/test_temp_dir.h"
#include "base/unique_fd.h"

namespace drs::agent {
namespace {

using std::chrono::steady_clock;
constexpr auto kDeadline = std::chrono::seconds(10);

// Polls `condition` every few milliseconds until it holds or the deadline
// passes; returns whether it held.
template <typename F>
bool Eventually(F condition) {
  const auto deadline = steady_clock::now() + kDeadline;
  while (steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

// Alive and not a zombie waiting for whoever reaps orphans here.
bool ProcessExists(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto close_paren = line.rfind(')');
  return close_paren != std::string::npos && close_paren + 2 < line.size() &&
         line[close_paren + 2] != 'Z';
}

// A stand-in for sshd: records each start in a file, writes its pid and
// that of a child it forks (a "connection handler") and then waits; exits
// when the file "die" exists.
class SupervisorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    script_ = dir_.WriteFile("fake-sshd",
                             "#!/bin/sh\n"
                             "d=" +
                                 dir_.path() +
                                 "\n"
                                 "echo start >> $d/starts\n"
                                 "sleep 300 & echo $! > $d/handler.pid\n"
                                 "echo $$ > $d/sshd.pid\n"
                                 "echo \"Server listening (fake) args=$*\" >&2\n"
                                 "while [ ! -e $d/die ]; do sleep 0.05; done\n"
                                 "rm -f $d/die\n"
                                 "exit 3\n",
                             0755);
  }
  int Starts() const {
    const std::string text = dir_.ReadFile("starts");
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  }
  pid_t PidIn(const char* name) const {
    const std::string text = dir_.ReadFile(name);
    return text.empty() ? 0 : static_cast<pid_t>(std::stol(text));
  }

  drs::test::TempDir dir_;
  std::string script_;
  FakeClock clock_;
};

TEST_F(SupervisorTest, RestartsWithBackoffAfterAnExit) {
  SshdSupervisor supervisor({.sshd_binary = script_, .config_file = "/cfg"}, clock_);
  supervisor.Tick();
  ASSERT_TRUE(supervisor.running());
  ASSERT_TRUE(Eventually([&] { return Starts() == 1 && PidIn("handler.pid") != 0; }));
  const pid_t first_handler = PidIn("handler.pid");

  dir_.WriteFile("die", "");
  ASSERT_TRUE(Eventually([&] {
    supervisor.Tick();
    return !supervisor.running();
  }));
  // What the dead sshd left in its process group went with it.
  EXPECT_TRUE(Eventually([&] { return !ProcessExists(first_handler); }));
  // Not before the first backoff step (1 s) has passed on the clock.
  supervisor.Tick();
  EXPECT_FALSE(supervisor.running());
  clock_.Advance(std::chrono::milliseconds(999));
  supervisor.Tick();
  EXPECT_FALSE(supervisor.running());
  clock_.Advance(std::chrono::milliseconds(1));
  supervisor.Tick();
  EXPECT_TRUE(supervisor.running());
  EXPECT_TRUE(Eventually([&] { return Starts() == 2; }));
  EXPECT_EQ(supervisor.starts(), 2);

  // The second exit waits twice as long.
  ASSERT_TRUE(Eventually([&] { return !std::filesystem::exists(dir_.Join("die")); }));
  dir_.WriteFile("die", "");
  ASSERT_TRUE(Eventually([&] {
    supervisor.Tick();
    return !supervisor.running();
  }));
  clock_.Advance(std::chrono::milliseconds(1999));
  supervisor.Tick();
  EXPECT_FALSE(supervisor.running());
  clock_.Advance(std::chrono::milliseconds(1));
  supervisor.Tick();
  EXPECT_TRUE(supervisor.running());
  supervisor.Stop(std::chrono::seconds(2));
}

TEST_F(SupervisorTest, StopLeavesNoProcessOfItsGroupBehind) {
  SshdSupervisor supervisor({.sshd_binary = script_, .config_file = "/cfg"}, clock_);
  supervisor.Tick();
  ASSERT_TRUE(Eventually([&] { return PidIn("handler.pid") != 0 && PidIn("sshd.pid") != 0; }));
  const pid_t sshd = PidIn("sshd.pid");
  const pid_t handler = PidIn("handler.pid");
  ASSERT_TRUE(ProcessExists(handler));
  supervisor.Stop(std::chrono::seconds(2));
  EXPECT_FALSE(supervisor.running());
  EXPECT_FALSE(ProcessExists(sshd));
  // The handler was our grandchild; once killed, init reaps it.
  EXPECT_TRUE(Eventually([&] { return !ProcessExists(handler); }));
}

TEST_F(SupervisorTest, ANonexistentProgramIsRetriedNotFatal) {
  SshdSupervisor supervisor({.sshd_binary = dir_.Join("missing"), .config_file = "/cfg"}, clock_);
  supervisor.Tick();
  EXPECT_FALSE(supervisor.running());
  clock_.Advance(std::chrono::seconds(1));
  supervisor.Tick();
  EXPECT_FALSE(supervisor.running());
}

TEST(AcceptsTcpTest, SeesAListenerAndItsAbsence) {
  UniqueFd sock(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(sock.valid());
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(sock.get(), reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const auto port = ntohs(addr.sin_port);
  EXPECT_FALSE(AcceptsTcp("127.0.0.1", port, std::chrono::milliseconds(500)));
  ASSERT_EQ(listen(sock.get(), 1), 0);
  EXPECT_TRUE(AcceptsTcp("127.0.0.1", port, std::chrono::milliseconds(500)));
  EXPECT_FALSE(AcceptsTcp("not-an-ip", port, std::chrono::milliseconds(500)));
}

}  // namespace
}  // namespace drs::agent
