#include "kubelet/container_shim.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "base/file_util.h"
#include "kubelet/container_root.h"
#include "kubelet/shim_spec.h"

namespace drs::kubelet {
namespace {

// Signals passed on to the container; SIGCHLD tells us something exited.
constexpr int kForwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

void Log(const std::string& message) {
  std::fprintf(stderr, "process-kubelet shim: %s\n", message.c_str());
}

sigset_t HandledSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : kForwarded) sigaddset(&set, sig);
  sigaddset(&set, SIGCHLD);
  return set;
}

void NoOp(int) {}

// Blocks the signals we wait for and gives them a handler: the kernel drops
// signals without one that are sent to a PID namespace's init.
void TakeSignals() {
  struct sigaction sa {};
  sa.sa_handler = NoOp;
  sigemptyset(&sa.sa_mask);
  for (int sig : kForwarded) ::sigaction(sig, &sa, nullptr);
  ::sigaction(SIGCHLD, &sa, nullptr);
  const sigset_t set = HandledSignals();
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
}

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return kStartErrorExitCode;
}

void WriteAll(int fd, const std::string& text) {
  std::string_view rest = text;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
}

// The command: its own session, default signal handling, the spec's argv.
[[noreturn]] void ExecCommand(const ShimSpec& spec, int report_fd) {
  ::setsid();
  sigset_t none;
  sigemptyset(&none);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig : kForwarded) ::sigaction(sig, &dfl, nullptr);
  ::sigaction(SIGCHLD, &dfl, nullptr);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execvp(argv[0], argv.data());
  const int err = errno;
  (void)!::write(report_fd, &err, sizeof err);
  ::_exit(127);
}

// Runs as pid 1 of the container's PID namespace.
int RunInit(const ShimSpec& spec, int error_fd) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  const auto fail = [&](const std::string& why) {
    Log(why);
    WriteAll(error_fd, why);
    return kStartErrorExitCode;
  };
  ContainerRoot root(spec.scratch_dir);
  if (Status s = root.Prepare(); !s.ok()) return fail(s.error().ToString());
  std::vector<ShimMount> mounts = spec.mounts;
  std::stable_sort(mounts.begin(), mounts.end(),
                   [](const ShimMount& a, const ShimMount& b) { return a.target < b.target; });
  for (const auto& m : mounts) {
    if (Status s = root.AddMount(m); !s.ok()) return fail(s.error().ToString());
  }
  if (!spec.working_dir.empty()) {
    if (Status s = root.EnsureDirectory(spec.working_dir); !s.ok()) {
      return fail(s.error().ToString());
    }
  }
  if (!spec.hostname.empty() && ::sethostname(spec.hostname.data(), spec.hostname.size()) != 0) {
    return fail("cannot set hostname " + spec.hostname + ": " + std::strerror(errno));
  }
  if (Status s = root.Enter(spec.working_dir); !s.ok()) return fail(s.error().ToString());

  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) return fail(std::string("pipe: ") + std::strerror(errno));
  const pid_t command = ::fork();
  if (command < 0) return fail(std::string("fork: ") + std::strerror(errno));
  if (command == 0) {
    ::close(report[0]);
    ExecCommand(spec, report[1]);
  }
  ::close(report[1]);
  int exec_errno = 0;
  ssize_t got = 0;
  do {
    got = ::read(report[0], &exec_errno, sizeof exec_errno);
  } while (got < 0 && errno == EINTR);
  ::close(report[0]);
  if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    return fail("exec \"" + spec.argv[0] + "\": " + std::strerror(exec_errno));
  }

  const sigset_t set = HandledSignals();
  for (;;) {
    siginfo_t info{};
    const int sig = ::sigwaitinfo(&set, &info);
    if (sig < 0) continue;
    if (sig != SIGCHLD) {
      // The whole group, so a shell's children hear it too.
      if (::kill(-command, sig) != 0) ::kill(command, sig);
      continue;
    }
    int status = 0;
    pid_t pid = 0;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
      if (pid == command) return ExitCodeOf(status);  // exiting kills the rest of the namespace
    }
  }
}

}  // namespace

int RunContainerShim(const std::string& spec_path) {
  auto text = ReadFileToString(spec_path);
  if (!text.ok()) {
    Log(text.error().ToString());
    return kStartErrorExitCode;
  }
  Result<ShimSpec> spec = InvalidError("unparsed");
  try {
    spec = ShimSpecFromJson(nlohmann::json::parse(*text));
  } catch (const nlohmann::json::exception& e) {
    spec = InvalidError(spec_path + ": " + e.what());
  }
  if (!spec.ok()) {
    Log(spec.error().ToString());
    return kStartErrorExitCode;
  }
  // Opened before the chroot: the init reports start failures through it.
  const int error_fd =
      ::open(spec->start_error_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (error_fd < 0) {
    Log("cannot open " + spec->start_error_file + ": " + std::strerror(errno));
    return kStartErrorExitCode;
  }
  TakeSignals();
  if (::unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS) != 0) {
    const std::string why = std::string("unshare: ") + std::strerror(errno);
    Log(why);
    WriteAll(error_fd, why);
    return kStartErrorExitCode;
  }
  const pid_t init = ::fork();
  if (init < 0) {
    const std::string why = std::string("fork: ") + std::strerror(errno);
    Log(why);
    WriteAll(error_fd, why);
    return kStartErrorExitCode;
  }
  if (init == 0) ::_exit(RunInit(*spec, error_fd));
  ::close(error_fd);
  const sigset_t set = HandledSignals();
  for (;;) {
    siginfo_t info{};
    const int sig = ::sigwaitinfo(&set, &info);
    if (sig < 0) continue;
    if (sig != SIGCHLD) {
      ::kill(init, sig);
      continue;
    }
    int status = 0;
    if (::waitpid(init, &status, WNOHANG) == init) return ExitCodeOf(status);
  }
}

}  // namespace drs::kubelet
