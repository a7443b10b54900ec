#include "base/subprocess.h"

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <stop_token>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/test_temp_dir.h"

namespace drs {
namespace {

using std::chrono::steady_clock;
using ::testing::HasSubstr;

// Upper bound for anything that should end "quickly" after a kill; far below
// the 60 s the child would otherwise run.
constexpr auto kPromptly = std::chrono::seconds(10);
constexpr auto kShortTimeout = std::chrono::milliseconds(200);

ProcessSpec Shell(const std::string& script) { return ProcessSpec{.argv = {"sh", "-c", script}}; }

int CountOpenFds() {
  int count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++count;
  }
  return count;
}

TEST(SubprocessTest, CapturesStdoutAndStderrSeparately) {
  auto result = RunProcess(Shell("echo out; echo err >&2"), {});
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->stdout_data, "out\n");
  EXPECT_EQ(result->stderr_data, "err\n");
  EXPECT_EQ(result->exit_code, 0);
  EXPECT_EQ(result->term_signal, 0);
  EXPECT_TRUE(result->Succeeded());
}

TEST(SubprocessTest, StdinRoundTripsThroughCat) {
  // Larger than a pipe buffer in both directions, so writing and reading
  // must interleave or the run would deadlock.
  std::string input;
  for (int i = 0; input.size() < 300 * 1024; ++i) input += "line " + std::to_string(i) + "\n";
  ProcessSpec spec{.argv = {"cat"}, .stdin_data = input};
  auto result = RunProcess(spec, {});
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->stdout_data, input);
  EXPECT_FALSE(result->stdout_truncated);
}

TEST(SubprocessTest, StdinIsDevNullWithoutData) {
  auto result = RunProcess(ProcessSpec{.argv = {"cat"}}, {});
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->stdout_data, "");
  EXPECT_EQ(result->exit_code, 0);
}

TEST(SubprocessTest, ReportsExitCodes) {
  for (int code : {0, 1, 3, 42, 255}) {
    auto result = RunProcess(Shell("exit " + std::to_string(code)), {});
    ASSERT_TRUE(result.ok()) << result.error();
    EXPECT_EQ(result->exit_code, code);
    EXPECT_EQ(result->Succeeded(), code == 0);
  }
}

TEST(SubprocessTest, ReportsTheKillingSignal) {
  struct Case {
    const char* script;
    int signal;
  };
  for (const Case& c : {Case{"kill -TERM $$", SIGTERM}, Case{"kill -KILL $$", SIGKILL},
                        Case{"kill -SEGV $$", SIGSEGV}}) {
    auto result = RunProcess(Shell(c.script), {});
    ASSERT_TRUE(result.ok()) << result.error();
    EXPECT_EQ(result->term_signal, c.signal) << c.script;
    EXPECT_EQ(result->exit_code, -1) << c.script;
    EXPECT_FALSE(result->Succeeded());
  }
}

TEST(SubprocessTest, TimeoutKillsTheChildQuickly) {
  const auto start = steady_clock::now();
  auto result = RunProcess(ProcessSpec{.argv = {"sleep", "60"}, .timeout = kShortTimeout}, {});
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_TRUE(result->timed_out);
  EXPECT_EQ(result->term_signal, SIGKILL);
  EXPECT_LT(steady_clock::now() - start, kPromptly);
}

TEST(SubprocessTest, TimeoutKillsGrandchildrenHoldingThePipes) {
  // The backgrounded sleep inherits stdout; only a group kill ends the run.
  const auto start = steady_clock::now();
  auto result = RunProcess(
      ProcessSpec{.argv = {"sh", "-c", "sleep 60 & echo started; wait"}, .timeout = kShortTimeout},
      {});
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_TRUE(result->timed_out);
  EXPECT_EQ(result->stdout_data, "started\n");
  EXPECT_LT(steady_clock::now() - start, kPromptly);
}

TEST(SubprocessTest, StopTokenCancelsARunningChild) {
  test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string marker = dir.Join("started");
  std::stop_source stop;
  Result<ProcessResult> result = InternalError("not run");
  std::jthread runner([&] {
    result = RunProcess(Shell("touch '" + marker + "'; exec sleep 60"), stop.get_token());
  });
  // Poll for the child's marker with a deadline, then cancel.
  const auto give_up = steady_clock::now() + kPromptly;
  while (!std::filesystem::exists(marker) && steady_clock::now() < give_up) {
    std::this_thread::yield();
  }
  ASSERT_TRUE(std::filesystem::exists(marker));
  const auto stopped_at = steady_clock::now();
  stop.request_stop();
  runner.join();
  EXPECT_LT(steady_clock::now() - stopped_at, kPromptly);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kCancelled);
  EXPECT_THAT(result.error().message(), HasSubstr("\"sh\""));
}

TEST(SubprocessTest, StopAlreadyRequestedStartsNothing) {
  std::stop_source stop;
  stop.request_stop();
  auto result = RunProcess(Shell("exit 0"), stop.get_token());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kCancelled);
}

TEST(SubprocessTest, MissingProgramIsAnErrorNamingIt) {
  for (const std::string program : {"drs-no-such-program", "/nonexistent/drs-tool"}) {
    auto result = RunProcess(ProcessSpec{.argv = {program, "--help"}}, {});
    ASSERT_FALSE(result.ok()) << program;
    EXPECT_EQ(result.error().code(), ErrorCode::kNotFound);
    EXPECT_THAT(result.error().message(), HasSubstr(program));
  }
}

TEST(SubprocessTest, NonExecutableFileIsPermissionDenied) {
  test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.WriteFile("tool", "#!/bin/sh\necho hi\n", 0644);
  auto result = RunProcess(ProcessSpec{.argv = {path}}, {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_THAT(result.error().message(), HasSubstr(path));
}

TEST(SubprocessTest, EmptyArgvIsInvalid) {
  auto result = RunProcess(ProcessSpec{}, {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalid);
}

TEST(SubprocessTest, OutputIsCappedAndTheChildStillFinishes) {
  constexpr std::size_t kCap = 1 << 20;
  ProcessSpec spec = Shell("head -c 3000000 /dev/zero; head -c 5000 /dev/zero >&2; exit 7");
  spec.max_stdout_bytes = kCap;
  spec.max_stderr_bytes = 100;
  auto result = RunProcess(spec, {});
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->stdout_data.size(), kCap);
  EXPECT_TRUE(result->stdout_truncated);
  EXPECT_EQ(result->stderr_data.size(), 100U);
  EXPECT_TRUE(result->stderr_truncated);
  EXPECT_EQ(result->exit_code, 7);
}

TEST(SubprocessTest, EnvironmentIsMergedOrReplaced) {
  ProcessSpec merged = Shell("echo \"$DRS_A|$DRS_B|${PATH:+path}\"");
  merged.env = {{"DRS_A", "one"}, {"DRS_B", "two words"}};
  auto result = RunProcess(merged, {});
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->stdout_data, "one|two words|path\n");

  ProcessSpec empty{.argv = {"env"}, .env = {{"ONLY", "this"}}, .clear_env = true};
  result = RunProcess(empty, {});
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->stdout_data, "ONLY=this\n");
}

TEST(SubprocessTest, RunsInTheWorkingDirectory) {
  test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  auto result = RunProcess(ProcessSpec{.argv = {"pwd", "-P"}, .working_dir = dir.path()}, {});
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->stdout_data, std::filesystem::canonical(dir.path()).string() + "\n");
}

TEST(SubprocessTest, ChildThatIgnoresStdinDoesNotKillUs) {
  // `true` exits without reading; our write then fails with EPIPE, not SIGPIPE.
  ProcessSpec spec{.argv = {"true"}, .stdin_data = std::string(1 << 20, 'x')};
  auto result = RunProcess(spec, {});
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->exit_code, 0);
}

TEST(SubprocessTest, ChildExitingWhileAStragglerHoldsThePipeReturns) {
  // The straggler keeps stdout open for 5 s; the run returns after the
  // child exits and a short drain grace, with the child's output.
  const auto start = steady_clock::now();
  auto result = RunProcess(Shell("sleep 5 & echo done"), {});
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->stdout_data, "done\n");
  EXPECT_EQ(result->exit_code, 0);
  EXPECT_LT(steady_clock::now() - start, kPromptly);
}

TEST(SubprocessTest, LeavesNoZombiesAndNoDescriptors) {
  const int fds_before = CountOpenFds();
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(RunProcess(Shell("echo x; exit 1"), {}).ok());
    ASSERT_TRUE(
        RunProcess(ProcessSpec{.argv = {"sleep", "60"}, .timeout = std::chrono::milliseconds(1)},
                   {})
            .ok());
    ASSERT_FALSE(RunProcess(ProcessSpec{.argv = {"drs-no-such-program"}}, {}).ok());
  }
  EXPECT_EQ(CountOpenFds(), fds_before);
  // Every child was reaped: nothing is left to wait for.
  errno = 0;
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

}  // namespace
}  // namespace drs
