#include "base/subprocess.h"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <limits>
#include <map>

#include "base/child_process.h"
#include "base/unique_fd.h"

extern char** environ;  // NOLINT: POSIX declares it nowhere in a header

namespace drs {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Read and write in pipe-buffer-sized steps.
constexpr std::size_t kIoChunk = 64 * 1024;
// Once the child has exited, a process it left behind may still hold our
// pipes open; its output is read for this long, then abandoned.
constexpr auto kStragglerDrainGrace = std::chrono::seconds(1);
// When pidfd_open is unavailable (kernels before 5.3) the loop checks for the
// child's exit this often.
constexpr auto kExitPollInterval = std::chrono::milliseconds(20);

// Blocks SIGPIPE in this thread so writing to a child that stopped reading
// yields EPIPE instead of killing us; a SIGPIPE raised meanwhile (it is
// directed at this thread) is consumed before the old mask returns.
class ScopedSigpipeBlock {
 public:
  ScopedSigpipeBlock() {
    sigset_t pipe_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask_);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  }
  ~ScopedSigpipeBlock() {
    if (!was_pending_) {
      sigset_t pipe_set;
      sigemptyset(&pipe_set);
      sigaddset(&pipe_set, SIGPIPE);
      const timespec zero{};
      while (sigtimedwait(&pipe_set, nullptr, &zero) == SIGPIPE) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  ScopedSigpipeBlock(const ScopedSigpipeBlock&) = delete;
  ScopedSigpipeBlock& operator=(const ScopedSigpipeBlock&) = delete;

 private:
  sigset_t old_mask_;
  bool was_pending_ = false;
};

std::vector<std::string> BuildEnvironment(const ProcessSpec& spec) {
  std::map<std::string, std::string> merged;
  if (!spec.clear_env) {
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
      const std::string_view kv(*entry);
      const auto eq = kv.find('=');
      if (eq == std::string_view::npos) continue;
      merged.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
  }
  for (const auto& [name, value] : spec.env) merged[name] = value;
  std::vector<std::string> out;
  out.reserve(merged.size());
  for (const auto& [name, value] : merged) out.push_back(name + "=" + value);
  return out;
}

// One captured output stream.
struct OutputStream {
  UniqueFd fd;
  std::string* sink;
  std::size_t limit;
  bool* truncated;

  // Reads what is available; closes fd at EOF or on an error.
  void ReadSome() {
    std::array<char, kIoChunk> buf;
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n <= 0) {
      fd.Reset();
      return;
    }
    const auto got = static_cast<std::size_t>(n);
    const std::size_t room = limit > sink->size() ? limit - sink->size() : 0;
    sink->append(buf.data(), std::min(room, got));
    if (got > room) *truncated = true;
  }
};

// The child's stdin: the bytes still to write.
struct InputStream {
  UniqueFd fd;
  std::string_view pending;

  void WriteSome() {
    const ssize_t n = ::write(fd.get(), pending.data(), std::min(pending.size(), kIoChunk));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n < 0) {  // EPIPE: the child will not read the rest
      fd.Reset();
      return;
    }
    pending.remove_prefix(static_cast<std::size_t>(n));
    if (pending.empty()) fd.Reset();  // EOF for the child
  }
};

int PollTimeoutMs(SteadyClock::time_point now, SteadyClock::time_point until) {
  if (until == SteadyClock::time_point::max()) return -1;
  if (until <= now) return 0;
  // Round up: waking a millisecond early would just spin once more.
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
  return static_cast<int>(std::min<std::int64_t>(ms, std::numeric_limits<int>::max()));
}

void FillExitStatus(int wait_status, ProcessResult& result) {
  if (WIFEXITED(wait_status)) {
    result.exit_code = WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    result.term_signal = WTERMSIG(wait_status);
  }
}

}  // namespace

namespace {

// Everything one run owns; members die in reverse order, the child (killed
// and reaped if still running) after the pipes are closed.
struct Session {
  ChildProcess child;
  OutputStream out;
  OutputStream err;
  InputStream in;
  UniqueFd wake;   // eventfd, signalled by the stop callback
  UniqueFd pidfd;  // readable once the child exits; invalid where unsupported
};

enum class Role { kOut, kErr, kIn, kWake, kExit };

// Waits for output, input room, the child's exit, a stop or the deadline.
Status PollOnce(Session& s, SteadyClock::time_point wake_at) {
  std::array<pollfd, 5> fds{};
  std::array<Role, 5> roles{};
  nfds_t count = 0;
  const auto add = [&](const UniqueFd& fd, short events, Role role) {
    if (!fd.valid()) return;
    fds[count] = pollfd{fd.get(), events, 0};
    roles[count++] = role;
  };
  add(s.out.fd, POLLIN, Role::kOut);
  add(s.err.fd, POLLIN, Role::kErr);
  add(s.in.fd, POLLOUT, Role::kIn);
  add(s.wake, POLLIN, Role::kWake);
  add(s.pidfd, POLLIN, Role::kExit);
  if (::poll(fds.data(), count, PollTimeoutMs(SteadyClock::now(), wake_at)) < 0) {
    if (errno == EINTR) return OkStatus();
    return InternalError(std::string("poll: ") + std::strerror(errno));
  }
  for (nfds_t i = 0; i < count; ++i) {
    if (fds[i].revents == 0) continue;
    // Wake and exit events are acted on by the caller's next round of checks.
    if (roles[i] == Role::kOut) s.out.ReadSome();
    if (roles[i] == Role::kErr) s.err.ReadSome();
    if (roles[i] == Role::kIn) s.in.WriteSome();
  }
  return OkStatus();
}

// Moves data until the child has exited and its output is drained, the
// deadline passes (result.timed_out) or a stop is requested (Cancelled).
Status Pump(Session& s, const std::string& program, const std::stop_token& stop,
            SteadyClock::time_point deadline, ProcessResult& result) {
  auto drain_until = SteadyClock::time_point::max();
  while (true) {
    if (!s.child.reaped() && s.child.TryReap()) {
      s.in.fd.Reset();
      s.pidfd.Reset();
      drain_until = SteadyClock::now() + kStragglerDrainGrace;
    }
    const auto now = SteadyClock::now();
    const bool drained = !s.out.fd.valid() && !s.err.fd.valid();
    if (s.child.reaped() && (drained || now >= drain_until)) return OkStatus();
    if (stop.stop_requested()) {
      s.child.KillAndReap();
      return CancelledError("stopped \"" + program + "\": killed its process group");
    }
    if (now >= deadline) {
      s.child.KillAndReap();
      result.timed_out = true;
      return OkStatus();
    }
    auto wake_at = std::min(deadline, drain_until);
    if (!s.child.reaped() && !s.pidfd.valid()) wake_at = std::min(wake_at, now + kExitPollInterval);
    DRS_RETURN_IF_ERROR(PollOnce(s, wake_at));
  }
}

std::string_view StdinView(const ProcessSpec& spec) {
  return spec.stdin_data.has_value() ? std::string_view(*spec.stdin_data) : std::string_view();
}

// pidfd_open needs Linux 5.3; without it Pump polls for the exit instead.
// Called through syscall(): glibc 2.36's <sys/pidfd.h> lacks extern "C".
UniqueFd OpenPidFd(pid_t pid) {
  const long fd = ::syscall(SYS_pidfd_open, pid, 0U);
  return UniqueFd(fd >= 0 ? static_cast<int>(fd) : -1);
}

// The descriptors of one run, made before the child starts. `in` stays
// empty when the child's stdin is /dev/null.
struct RunFds {
  Pipe out;
  Pipe err;
  Pipe in;
  UniqueFd wake;
};

Result<RunFds> MakeRunFds(bool with_stdin) {
  RunFds fds;
  DRS_ASSIGN_OR_RETURN(fds.out, MakePipe());
  DRS_ASSIGN_OR_RETURN(fds.err, MakePipe());
  if (with_stdin) {
    DRS_ASSIGN_OR_RETURN(fds.in, MakePipe());
    DRS_RETURN_IF_ERROR(SetNonBlocking(fds.in.write_end.get(), true));
  }
  // Reads never block: poll() said which stream is ready, not how much.
  DRS_RETURN_IF_ERROR(SetNonBlocking(fds.out.read_end.get(), true));
  DRS_RETURN_IF_ERROR(SetNonBlocking(fds.err.read_end.get(), true));
  fds.wake.Reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!fds.wake.valid()) return InternalError(std::string("eventfd: ") + std::strerror(errno));
  return fds;
}

}  // namespace

Result<ProcessResult> RunProcess(const ProcessSpec& spec, std::stop_token stop) {
  if (spec.argv.empty()) return InvalidError("cannot run a process with an empty argv");
  const std::string& program = spec.argv[0];
  if (stop.stop_requested()) return CancelledError("not starting \"" + program + "\": stopped");
  ScopedSigpipeBlock sigpipe_block;

  DRS_ASSIGN_OR_RETURN(RunFds fds, MakeRunFds(spec.stdin_data.has_value()));
  const SpawnRequest request{.argv = spec.argv,
                             .envp = BuildEnvironment(spec),
                             .working_dir = spec.working_dir,
                             .stdin_fd = fds.in.read_end.get(),
                             .stdout_fd = fds.out.write_end.get(),
                             .stderr_fd = fds.err.write_end.get()};
  const auto started = SteadyClock::now();
  DRS_ASSIGN_OR_RETURN(ChildProcess child, ChildProcess::Spawn(request));
  // Our copies of the child's ends must go, or EOF would never arrive.
  fds.in.read_end.Reset();
  fds.out.write_end.Reset();
  fds.err.write_end.Reset();

  ProcessResult result;
  UniqueFd pidfd = OpenPidFd(child.pid());
  Session session{std::move(child),
                  {std::move(fds.out.read_end), &result.stdout_data, spec.max_stdout_bytes,
                   &result.stdout_truncated},
                  {std::move(fds.err.read_end), &result.stderr_data, spec.max_stderr_bytes,
                   &result.stderr_truncated},
                  {std::move(fds.in.write_end), StdinView(spec)},
                  std::move(fds.wake),
                  std::move(pidfd)};
  if (session.in.fd.valid() && session.in.pending.empty()) session.in.fd.Reset();
  const int wake_fd = session.wake.get();
  const std::stop_callback on_stop(stop, [wake_fd] {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake_fd, &one, sizeof(one));
  });
  const auto deadline = spec.timeout > std::chrono::milliseconds::zero()
                            ? started + spec.timeout
                            : SteadyClock::time_point::max();
  DRS_RETURN_IF_ERROR(Pump(session, program, stop, deadline, result));
  FillExitStatus(session.child.wait_status(), result);
  return result;
}

}  // namespace drs
