#include "mover/line_process.h"

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
#include <limits>
#include <optional>

#include "base/child_process.h"
#include "base/unique_fd.h"

namespace drs::mover {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t kReadChunk = 64 * 1024;
// After the child exits, something it started may still hold our pipes;
// its output is read for this long, then abandoned.
constexpr auto kDrainGrace = std::chrono::seconds(1);
// Without pidfd_open (Linux < 5.3) the child's exit is checked this often.
constexpr auto kExitPollInterval = std::chrono::milliseconds(20);

// One output stream: its pipe, a partial line, and where lines go.
struct LineStream {
  UniqueFd fd;
  std::string pending;
  const std::function<void(std::string_view)>* sink;

  void Emit(std::string_view line) const {
    if (*sink) (*sink)(line);
  }
  void EmitComplete() {
    std::size_t start = 0;
    while (true) {
      const std::size_t end = pending.find_first_of("\r\n", start);
      if (end == std::string::npos) break;
      Emit(std::string_view(pending).substr(start, end - start));
      start = end + 1;
    }
    pending.erase(0, start);
    while (pending.size() >= kMaxLineBytes) {
      Emit(std::string_view(pending).substr(0, kMaxLineBytes));
      pending.erase(0, kMaxLineBytes);
    }
  }
  void ReadSome() {
    std::array<char, kReadChunk> buf;
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n <= 0) {
      fd.Reset();
      if (!pending.empty()) Emit(pending);
      pending.clear();
      return;
    }
    pending.append(buf.data(), static_cast<std::size_t>(n));
    EmitComplete();
  }
};

int PollTimeoutMs(SteadyClock::time_point until) {
  if (until == SteadyClock::time_point::max()) return -1;
  const auto now = SteadyClock::now();
  if (until <= now) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
  return static_cast<int>(std::min<std::int64_t>(ms, std::numeric_limits<int>::max()));
}

UniqueFd OpenPidFd(pid_t pid) {
  const long fd = ::syscall(SYS_pidfd_open, pid, 0U);
  return UniqueFd(fd >= 0 ? static_cast<int>(fd) : -1);
}

// Everything one run owns; the child dies (killed and reaped if still
// running) after the pipes close.
struct Run {
  ChildProcess child;
  LineStream out;
  LineStream err;
  UniqueFd wake;  // eventfd the stop callback writes; stays open until the end
  UniqueFd pidfd;
  bool watch_wake = true;  // false once the stop has been acted on
};

Status PollOnce(Run& run, SteadyClock::time_point wake_at) {
  std::array<pollfd, 4> fds{};
  std::array<LineStream*, 4> streams{};
  nfds_t count = 0;
  for (LineStream* s : {&run.out, &run.err}) {
    if (!s->fd.valid()) continue;
    streams[count] = s;
    fds[count++] = pollfd{s->fd.get(), POLLIN, 0};
  }
  if (run.watch_wake) fds[count++] = pollfd{run.wake.get(), POLLIN, 0};
  if (run.pidfd.valid()) fds[count++] = pollfd{run.pidfd.get(), POLLIN, 0};
  if (::poll(fds.data(), count, PollTimeoutMs(wake_at)) < 0 && errno != EINTR) {
    return InternalError(std::string("poll: ") + std::strerror(errno));
  }
  for (nfds_t i = 0; i < count; ++i) {
    if (fds[i].revents != 0 && streams[i] != nullptr) streams[i]->ReadSome();
  }
  return OkStatus();
}

// Pumps output until the child has exited and its pipes are drained,
// ending it (SIGTERM, then SIGKILL after the grace) on a stop or timeout.
Status Pump(Run& run, const LineProcessSpec& spec, const std::stop_token& stop,
            SteadyClock::time_point deadline, LineProcessResult& result) {
  auto drain_until = SteadyClock::time_point::max();
  std::optional<SteadyClock::time_point> kill_at;
  while (true) {
    if (!run.child.reaped()) run.child.TryReap();
    if (run.child.reaped() && drain_until == SteadyClock::time_point::max()) {
      run.pidfd.Reset();
      drain_until = SteadyClock::now() + kDrainGrace;
    }
    const auto now = SteadyClock::now();
    const bool drained = !run.out.fd.valid() && !run.err.fd.valid();
    if (run.child.reaped() && (drained || now >= drain_until)) return OkStatus();
    if (!kill_at && !run.child.reaped() && (stop.stop_requested() || now >= deadline)) {
      result.stopped = stop.stop_requested();
      result.timed_out = !result.stopped;
      ::kill(-run.child.pid(), SIGTERM);
      kill_at = now + spec.stop_grace;
      run.watch_wake = false;  // it stays readable; polling it would spin
    }
    if (kill_at && now >= *kill_at && !run.child.reaped()) run.child.KillAndReap();
    auto wake_at = drain_until;
    if (!run.child.reaped()) {
      wake_at = std::min(wake_at, kill_at.value_or(deadline));
      if (!run.pidfd.valid()) wake_at = std::min(wake_at, now + kExitPollInterval);
    }
    DRS_RETURN_IF_ERROR(PollOnce(run, wake_at));
  }
}

Result<Pipe> MakeReadablePipe() {
  DRS_ASSIGN_OR_RETURN(Pipe pipe, MakePipe());
  DRS_RETURN_IF_ERROR(SetNonBlocking(pipe.read_end.get(), true));
  return pipe;
}

}  // namespace

Result<LineProcessResult> RunLineProcess(const LineProcessSpec& spec, std::stop_token stop) {
  if (spec.argv.empty()) return InvalidError("cannot run a process with an empty argv");
  DRS_ASSIGN_OR_RETURN(Pipe out, MakeReadablePipe());
  DRS_ASSIGN_OR_RETURN(Pipe err, MakeReadablePipe());
  UniqueFd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake.valid()) return InternalError(std::string("eventfd: ") + std::strerror(errno));

  const SpawnRequest request{.argv = spec.argv,
                             .envp = spec.envp,
                             .stdout_fd = out.write_end.get(),
                             .stderr_fd = err.write_end.get()};
  DRS_ASSIGN_OR_RETURN(ChildProcess child, ChildProcess::Spawn(request));
  out.write_end.Reset();  // else EOF never comes
  err.write_end.Reset();
  const auto started = SteadyClock::now();
  if (spec.on_started) spec.on_started(child.pid());

  UniqueFd pidfd = OpenPidFd(child.pid());
  Run run{std::move(child),
          {std::move(out.read_end), "", &spec.on_stdout_line},
          {std::move(err.read_end), "", &spec.on_stderr_line},
          std::move(wake),
          std::move(pidfd)};
  const int wake_fd = run.wake.get();
  const std::stop_callback on_stop(stop, [wake_fd] {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake_fd, &one, sizeof(one));
  });
  const auto deadline = spec.timeout > std::chrono::milliseconds::zero()
                            ? started + spec.timeout
                            : SteadyClock::time_point::max();
  LineProcessResult result;
  DRS_RETURN_IF_ERROR(Pump(run, spec, stop, deadline, result));
  const int status = run.child.wait_status();
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.term_signal = WTERMSIG(status);
  }
  return result;
}

}  // namespace drs::mover
