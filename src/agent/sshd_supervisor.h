#pragma once
// SshdSupervisor: runs the real sshd in the foreground (`sshd -D -e -f
// <config>`), forwards each line it logs into our log (component "sshd"),
// restarts it with exponential backoff when it dies, asks it to reload
// (SIGHUP: sshd re-executes itself and rereads its configuration and host
// key) and stops it — its whole process group, so no connection handler is
// left behind — on shutdown.
//
// When sshd dies on its own, whatever is left of its process group (its
// connection handlers) is killed before the restart.
//
// Thread-safety: Tick, Reload and Stop are called by one owner thread;
// running() may be read from any thread (health probes). One log-forwarding
// std::jthread per sshd start, joined by Stop and the destructor.

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "base/backoff.h"
#include "base/child_process.h"
#include "base/clock.h"
#include "base/result.h"

namespace drs::agent {

struct SshdSupervisorOptions {
  std::string sshd_binary = "/usr/sbin/sshd";  // absolute: sshd re-executes itself
  std::string config_file;
  // 1 s doubling to 30 s: a crash loop neither spins nor leaves the node
  // without sshd for long once the cause is fixed.
  BackoffPolicy restart_backoff{
      .initial = std::chrono::seconds(1), .max = std::chrono::seconds(30), .factor = 2.0};
  // A run this long counts as healthy and resets the backoff.
  std::chrono::seconds healthy_after{60};
};

class SshdSupervisor {
 public:
  SshdSupervisor(SshdSupervisorOptions options, Clock& clock);
  ~SshdSupervisor();
  SshdSupervisor(const SshdSupervisor&) = delete;
  SshdSupervisor& operator=(const SshdSupervisor&) = delete;

  // Runs `sshd -t`: the configuration and host key are valid. Invalid with
  // sshd's own words otherwise.
  Status CheckConfig() const;

  // Starts sshd when it is not running and its restart is due; notices an
  // exit and schedules the restart.
  void Tick();
  // SIGHUP to a running sshd.
  void Reload();
  // SIGTERM to sshd's process group, SIGKILL to whatever is left after
  // `grace`, reap, join the log forwarders. Idempotent.
  void Stop(std::chrono::milliseconds grace);

  bool running() const { return running_.load(); }
  // Starts since construction, for tests and logs.
  int starts() const { return starts_.load(); }

 private:
  Status Start();
  void ForwardLog(std::stop_token stop, int fd, pid_t pid);

  const SshdSupervisorOptions options_;
  Clock& clock_;
  ExponentialBackoff backoff_;
  std::optional<ChildProcess> child_;
  Clock::TimePoint started_at_{};
  Clock::TimePoint next_start_{};
  std::uint32_t failures_ = 0;
  std::atomic<bool> running_{false};
  std::atomic<int> starts_{0};
  // One per sshd start; a forwarder ends when every holder of its pipe is
  // gone, and finished ones are joined at the next start so a crash loop
  // does not pile up threads.
  struct Forwarder {
    std::shared_ptr<std::atomic<bool>> done;
    std::jthread thread;
  };
  std::list<Forwarder> forwarders_;
};

// Whether something accepts TCP connections at address:port within `timeout`.
bool AcceptsTcp(const std::string& address, std::uint16_t port, std::chrono::milliseconds timeout);

}  // namespace drs::agent
