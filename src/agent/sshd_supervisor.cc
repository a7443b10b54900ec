#include "agent/sshd_supervisor.h"

#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "base/logging.h"
#include "base/subprocess.h"
#include "base/unique_fd.h"

namespace drs::agent {
namespace {

// How often a log forwarder looks at its stop token while sshd is quiet.
constexpr int kForwardPollMillis = 100;
constexpr std::size_t kReadChunk = 4096;
// sshd -t reads the config and host key; anything slower is a hang.
constexpr std::chrono::seconds kConfigCheckTimeout{10};
constexpr auto kStopPollInterval = std::chrono::milliseconds(20);

std::shared_ptr<spdlog::logger> Log() {
  static const auto log = GetLogger("agent");
  return log;
}

std::shared_ptr<spdlog::logger> SshdLog() {
  static const auto log = GetLogger("sshd");
  return log;
}

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("signal ") + strsignal(WTERMSIG(status));
  return "unknown status";
}

// True once `pid` has exited, without reaping it: its process group id stays
// reserved for the group kill that follows.
bool HasExited(pid_t pid) {
  siginfo_t info{};
  return waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid;
}

}  // namespace

SshdSupervisor::SshdSupervisor(SshdSupervisorOptions options, Clock& clock)
    : options_(std::move(options)), clock_(clock), backoff_(options_.restart_backoff) {}

SshdSupervisor::~SshdSupervisor() { Stop(std::chrono::seconds(0)); }

Status SshdSupervisor::CheckConfig() const {
  ProcessSpec spec{.argv = {options_.sshd_binary, "-t", "-f", options_.config_file},
                   .timeout = kConfigCheckTimeout};
  DRS_ASSIGN_OR_RETURN(const ProcessResult result, RunProcess(spec, {}));
  if (!result.Succeeded()) {
    return InvalidError("sshd rejects its configuration " + options_.config_file + ": " +
                        result.stderr_data);
  }
  return OkStatus();
}

Status SshdSupervisor::Start() {
  DRS_ASSIGN_OR_RETURN(Pipe pipe, MakePipe());
  SpawnRequest request{
      .argv = {options_.sshd_binary, "-D", "-e", "-f", options_.config_file},
      .envp = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"},
      .stdout_fd = pipe.write_end.get(),
      .stderr_fd = pipe.write_end.get(),
  };
  DRS_ASSIGN_OR_RETURN(ChildProcess child, ChildProcess::Spawn(request));
  const pid_t pid = child.pid();
  child_.emplace(std::move(child));
  started_at_ = clock_.Now();
  running_ = true;
  ++starts_;
  const int fd = pipe.read_end.Release();
  forwarders_.remove_if([](const Forwarder& f) { return f.done->load(); });  // joins them
  auto done = std::make_shared<std::atomic<bool>>(false);
  forwarders_.push_back({done, std::jthread([this, fd, pid, done](std::stop_token stop) {
                           ForwardLog(stop, fd, pid);
                           *done = true;
                         })});
  Log()->info(
      Fields("sshd started", {{"pid", std::to_string(pid)}, {"config", options_.config_file}}));
  return OkStatus();
}

void SshdSupervisor::ForwardLog(std::stop_token stop, int raw_fd, pid_t pid) {
  UniqueFd fd(raw_fd);
  std::string pending;
  char buffer[kReadChunk];
  const std::string pid_text = std::to_string(pid);
  const auto emit = [&](std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) SshdLog()->info(Fields(line, {{"pid", pid_text}}));
  };
  while (true) {
    pollfd p{.fd = fd.get(), .events = POLLIN, .revents = 0};
    // After a stop request, read only what is already there, then leave.
    const int ready = poll(&p, 1, stop.stop_requested() ? 0 : kForwardPollMillis);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      if (stop.stop_requested()) break;
      continue;
    }
    const ssize_t n = read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buffer, static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n', start)) {
      emit(std::string_view(pending).substr(start, nl - start));
      start = nl + 1;
    }
    pending.erase(0, start);
  }
  emit(pending);
}

void SshdSupervisor::Tick() {
  if (child_.has_value() && HasExited(child_->pid())) {
    // Its connection handlers share its process group: end them with it, so
    // nothing sshd started outlives our supervision (KillAndReap signals
    // the group before reaping, while the group id is still reserved).
    child_->KillAndReap();
    const auto ran = clock_.Now() - started_at_;
    if (ran >= options_.healthy_after) failures_ = 0;
    const auto delay = backoff_.Delay(failures_++);
    next_start_ = clock_.Now() + std::chrono::duration_cast<Clock::Duration>(delay);
    Log()->warn(Fields("sshd exited; restarting after backoff",
                       {{"pid", std::to_string(child_->pid())},
                        {"status", DescribeExit(child_->wait_status())},
                        {"restart_in_ms", std::to_string(delay.count() / 1'000'000)}}));
    child_.reset();
    running_ = false;
  }
  if (child_.has_value() || clock_.Now() < next_start_) return;
  if (auto started = Start(); !started.ok()) {
    const auto delay = backoff_.Delay(failures_++);
    next_start_ = clock_.Now() + std::chrono::duration_cast<Clock::Duration>(delay);
    Log()->error(Fields("cannot start sshd",
                        {{"sshd", options_.sshd_binary}, {"error", started.error().ToString()}}));
  }
}

void SshdSupervisor::Reload() {
  if (!child_.has_value() || child_->reaped()) return;
  ::kill(child_->pid(), SIGHUP);
  Log()->info(Fields("sshd asked to reload", {{"pid", std::to_string(child_->pid())}}));
}

void SshdSupervisor::Stop(std::chrono::milliseconds grace) {
  if (child_.has_value() && !child_->reaped()) {
    const pid_t pid = child_->pid();
    // The group id is sshd's pid; sshd is not reaped yet, so it cannot have
    // been reused. Connection handlers share the group and go too.
    ::kill(-pid, SIGTERM);
    // Waiting on a real process is real time, whatever clock drives restarts.
    Clock& real = RealClock::Get();
    const auto deadline = real.Now() + grace;
    while (!HasExited(pid) && real.Now() < deadline) {
      real.SleepFor(kStopPollInterval, {});
    }
    child_->KillAndReap();  // SIGKILL to the group: stragglers and handlers
    Log()->info(Fields("sshd stopped", {{"pid", std::to_string(pid)},
                                        {"status", DescribeExit(child_->wait_status())}}));
  }
  child_.reset();
  running_ = false;
  for (auto& forwarder : forwarders_) forwarder.thread.request_stop();
  forwarders_.clear();  // joins
}

bool AcceptsTcp(const std::string& address, std::uint16_t port, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(address.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) {
    return false;
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, &freeaddrinfo);
  UniqueFd sock(socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!sock.valid()) return false;
  if (connect(sock.get(), found->ai_addr, found->ai_addrlen) == 0) return true;
  if (errno != EINPROGRESS) return false;
  pollfd p{.fd = sock.get(), .events = POLLOUT, .revents = 0};
  if (poll(&p, 1, static_cast<int>(timeout.count())) != 1) return false;
  int error = 0;
  socklen_t len = sizeof error;
  return getsockopt(sock.get(), SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0;
}

}  // namespace drs::agent
