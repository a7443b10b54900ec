#include "agent/landlock_sandbox.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "base/test_temp_dir.h"

namespace drs::agent {
namespace {

// Exit codes of the confined child, one per expectation, so a failure says
// which one broke.
enum ChildExit {
  kOk = 0,
  kRestrictFailed = 10,
  kVolumeUnreadable,
  kOutsideReadable,
  kSymlinkEscaped,
  kWritable,
  kExecFailed,
};

// Runs `body` in a forked child (the restriction is per process and
// irreversible) and returns its exit status.
int InChild(const std::function<int()>& body) {
  const pid_t pid = fork();
  if (pid == 0) _exit(body());
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool CanOpen(const std::string& path, int flags) {
  const int fd = open(path.c_str(), flags | O_CLOEXEC, 0600);
  if (fd >= 0) close(fd);
  return fd >= 0;
}

class LandlockSandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (LandlockAbiVersion() <= 0) GTEST_SKIP() << "this kernel has no Landlock";
    ASSERT_TRUE(dir_.ok());
    std::filesystem::create_directories(dir_.Join("volume/sub"));
    std::filesystem::create_directories(dir_.Join("outside"));
    dir_.WriteFile("volume/sub/data", "data");
    dir_.WriteFile("outside/secret", "secret");
    std::filesystem::create_symlink(dir_.Join("outside"), dir_.Join("volume/escape"));
  }

  drs::test::TempDir dir_;
};

TEST_F(LandlockSandboxTest, ConfinesReadsToTheVolumeAndForbidsWrites) {
  const int exit_code = InChild([&] {
    if (!RestrictToSandbox({.readable_dir = dir_.Join("volume")}).ok()) return kRestrictFailed;
    if (!CanOpen(dir_.Join("volume/sub/data"), O_RDONLY)) return kVolumeUnreadable;
    if (CanOpen(dir_.Join("outside/secret"), O_RDONLY)) return kOutsideReadable;
    if (CanOpen(dir_.Join("volume/escape/secret"), O_RDONLY)) return kSymlinkEscaped;
    if (CanOpen(dir_.Join("volume/new"), O_WRONLY | O_CREAT)) return kWritable;
    if (CanOpen(dir_.Join("volume/sub/data"), O_WRONLY)) return kWritable;
    return kOk;
  });
  EXPECT_EQ(exit_code, kOk);
}

TEST_F(LandlockSandboxTest, RsyncStillRunsInTheGateSandbox) {
  const int exit_code = InChild([&] {
    if (!RestrictToSandbox(RsyncSandboxSpec(dir_.Join("volume"), "/usr/bin/rsync")).ok()) {
      return kRestrictFailed;
    }
    if (CanOpen(dir_.Join("outside/secret"), O_RDONLY)) return kOutsideReadable;
    // stdout to /dev/null: the child must not write into the test's output.
    const int null_fd = open("/dev/null", O_WRONLY);
    if (null_fd < 0) return kExecFailed;
    dup2(null_fd, STDOUT_FILENO);
    char arg0[] = "/usr/bin/rsync";
    char arg1[] = "--version";
    char* argv[] = {arg0, arg1, nullptr};
    char* envp[] = {nullptr};
    execve(arg0, argv, envp);
    return kExecFailed;
  });
  EXPECT_EQ(exit_code, kOk);
}

TEST_F(LandlockSandboxTest, AMissingVolumeIsAnError) {
  const int exit_code = InChild([&] {
    return RestrictToSandbox({.readable_dir = dir_.Join("gone")}).ok() ? kOk : kRestrictFailed;
  });
  EXPECT_EQ(exit_code, kRestrictFailed);
}

}  // namespace
}  // namespace drs::agent
