#include "mover/line_process.h"

#include <signal.h>

#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/test_temp_dir.h"

namespace drs::mover {
namespace {

using ::testing::ElementsAre;

struct Captured {
  std::vector<std::string> out;
  std::vector<std::string> err;
};

LineProcessSpec Shell(const std::string& script, Captured& captured) {
  LineProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  spec.envp = {"PATH=/usr/bin:/bin"};
  spec.on_stdout_line = [&](std::string_view line) { captured.out.emplace_back(line); };
  spec.on_stderr_line = [&](std::string_view line) { captured.err.emplace_back(line); };
  return spec;
}

TEST(LineProcessTest, SplitsLinesOnNewlineAndCarriageReturn) {
  Captured c;
  auto result = RunLineProcess(Shell("printf 'a\\rb\\nc'; printf 'e1\\ne2\\n' >&2; exit 3", c), {});
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->exit_code, 3);
  EXPECT_EQ(result->term_signal, 0);
  EXPECT_FALSE(result->timed_out);
  EXPECT_THAT(c.out, ElementsAre("a", "b", "c"));  // the unterminated tail too
  EXPECT_THAT(c.err, ElementsAre("e1", "e2"));
}

TEST(LineProcessTest, OverlongLinesArriveInPieces) {
  Captured c;
  auto result = RunLineProcess(Shell("head -c 150000 /dev/zero | tr '\\0' x", c), {});
  ASSERT_TRUE(result.ok()) << result.error();
  ASSERT_EQ(c.out.size(), 3u);
  EXPECT_EQ(c.out[0].size(), kMaxLineBytes);
  EXPECT_EQ(c.out[1].size(), kMaxLineBytes);
  EXPECT_EQ(c.out[0].size() + c.out[1].size() + c.out[2].size(), 150000u);
}

TEST(LineProcessTest, TimeoutSendsSigterm) {
  Captured c;
  LineProcessSpec spec = Shell("exec sleep 100", c);
  spec.timeout = std::chrono::milliseconds(200);
  auto result = RunLineProcess(spec, {});
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_TRUE(result->timed_out);
  EXPECT_FALSE(result->stopped);
  EXPECT_EQ(result->term_signal, SIGTERM);
}

TEST(LineProcessTest, ChildIgnoringSigtermGetsSigkillAfterTheGrace) {
  Captured c;
  // The child says when its trap is set, so the stop cannot come too early.
  LineProcessSpec spec = Shell("trap '' TERM; echo ready; while :; do sleep 0.05; done", c);
  spec.stop_grace = std::chrono::milliseconds(300);
  std::stop_source stop;
  spec.on_stdout_line = [&](std::string_view line) {
    if (line == "ready") stop.request_stop();
  };
  auto result = RunLineProcess(spec, stop.get_token());
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_TRUE(result->stopped);
  EXPECT_EQ(result->term_signal, SIGKILL);
}

TEST(LineProcessTest, ReportsThePidBeforeOutput) {
  Captured c;
  pid_t seen = 0;
  LineProcessSpec spec = Shell("echo $$", c);
  spec.on_started = [&](pid_t pid) { seen = pid; };
  spec.on_stdout_line = [&](std::string_view line) {
    EXPECT_NE(seen, 0);
    EXPECT_EQ(std::string(line), std::to_string(seen));
  };
  auto result = RunLineProcess(spec, {});
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->exit_code, 0);
}

TEST(LineProcessTest, MissingProgramIsNotFound) {
  LineProcessSpec spec;
  spec.argv = {"/nonexistent/rsync"};
  auto result = RunLineProcess(spec, {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(result.error().message().find("/nonexistent/rsync"), std::string::npos);
}

}  // namespace
}  // namespace drs::mover
