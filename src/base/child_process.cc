#include "base/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace drs {
namespace {

constexpr const char* kDevNull = "/dev/null";

// RAII for the two posix_spawn attribute objects.
class SpawnFileActions {
 public:
  SpawnFileActions() { posix_spawn_file_actions_init(&actions_); }
  ~SpawnFileActions() { posix_spawn_file_actions_destroy(&actions_); }
  SpawnFileActions(const SpawnFileActions&) = delete;
  SpawnFileActions& operator=(const SpawnFileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

class SpawnAttributes {
 public:
  SpawnAttributes() { posix_spawnattr_init(&attr_); }
  ~SpawnAttributes() { posix_spawnattr_destroy(&attr_); }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
  posix_spawnattr_t* get() { return &attr_; }

 private:
  posix_spawnattr_t attr_;
};

// Maps `fd` (or /dev/null) onto the child's `target` descriptor. dup2 makes
// an inheritable copy of our close-on-exec descriptor.
int MapDescriptor(posix_spawn_file_actions_t* actions, int fd, int target, int open_flags) {
  if (fd < 0) return posix_spawn_file_actions_addopen(actions, target, kDevNull, open_flags, 0);
  return posix_spawn_file_actions_adddup2(actions, fd, target);
}

int SetUpFileActions(const SpawnRequest& request, posix_spawn_file_actions_t* actions) {
  int rc = MapDescriptor(actions, request.stdin_fd, STDIN_FILENO, O_RDONLY);
  if (rc == 0) rc = MapDescriptor(actions, request.stdout_fd, STDOUT_FILENO, O_WRONLY);
  if (rc == 0) rc = MapDescriptor(actions, request.stderr_fd, STDERR_FILENO, O_WRONLY);
  if (rc == 0 && !request.working_dir.empty()) {
    rc = posix_spawn_file_actions_addchdir_np(actions, request.working_dir.c_str());
  }
  return rc;
}

// Own process group (so one kill reaches grandchildren), no blocked signals
// and default dispositions: our threads may block or ignore signals (SIGPIPE,
// SIGTERM for a signal thread) and those settings would otherwise leak into
// rsync or ssh.
int SetUpAttributes(posix_spawnattr_t* attr) {
  sigset_t empty;
  sigset_t all;
  sigemptyset(&empty);
  sigfillset(&all);
  int rc = posix_spawnattr_setpgroup(attr, 0);
  if (rc == 0) rc = posix_spawnattr_setsigmask(attr, &empty);
  if (rc == 0) rc = posix_spawnattr_setsigdefault(attr, &all);
  if (rc == 0) {
    const auto flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    rc = posix_spawnattr_setflags(attr, static_cast<short>(flags));
  }
  return rc;
}

std::vector<char*> CStrings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  // posix_spawn's signature predates const; it does not modify the strings.
  for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

Error SpawnError(const std::string& program, int err) {
  std::string message = "cannot run \"" + program + "\": " + std::strerror(err);
  if (err == ENOENT) return NotFoundError(std::move(message));
  if (err == EACCES || err == EPERM) return Error(ErrorCode::kPermissionDenied, std::move(message));
  return UnavailableError(std::move(message));
}

}  // namespace

Result<ChildProcess> ChildProcess::Spawn(const SpawnRequest& request) {
  if (request.argv.empty() || request.argv[0].empty()) {
    return InvalidError("cannot run a process without a program name");
  }
  SpawnFileActions actions;
  SpawnAttributes attr;
  if (int rc = SetUpFileActions(request, actions.get()); rc != 0) {
    return SpawnError(request.argv[0], rc);
  }
  if (int rc = SetUpAttributes(attr.get()); rc != 0) return SpawnError(request.argv[0], rc);
  std::vector<char*> argv = CStrings(request.argv);
  std::vector<char*> envp = CStrings(request.envp);
  pid_t pid = -1;
  // glibc's posix_spawnp uses vfork semantics and reports exec failures
  // (ENOENT, EACCES) as its return value, which fork+exec cannot do simply.
  const int rc = posix_spawnp(&pid, argv[0], actions.get(), attr.get(), argv.data(), envp.data());
  if (rc != 0) return SpawnError(request.argv[0], rc);
  return ChildProcess(pid);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !reaped_) KillAndReap();
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      reaped_(other.reaped_),
      wait_status_(other.wait_status_) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0 && !reaped_) KillAndReap();
    pid_ = std::exchange(other.pid_, -1);
    reaped_ = other.reaped_;
    wait_status_ = other.wait_status_;
  }
  return *this;
}

bool ChildProcess::TryReap() {
  if (!reaped_) Reap(WNOHANG);
  return reaped_;
}

void ChildProcess::KillAndReap() {
  if (reaped_ || pid_ <= 0) return;
  // The group id is the child's pid (setpgroup(0)); it cannot be reused while
  // the unreaped child exists, so this never hits a stranger.
  ::kill(-pid_, SIGKILL);
  Reap(0);
}

void ChildProcess::Reap(int options) {
  int status = 0;
  pid_t got = -1;
  do {
    got = ::waitpid(pid_, &status, options);
  } while (got < 0 && errno == EINTR);
  if (got == pid_) {
    reaped_ = true;
    wait_status_ = status;
  } else if (got < 0) {
    // ECHILD: someone else reaped it (a SIGCHLD handler set to SIG_IGN).
    // Nothing is left to wait for; report it as killed.
    reaped_ = true;
    wait_status_ = SIGKILL;
  }
}

}  // namespace drs
