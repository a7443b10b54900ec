#pragma once
// Test-only helpers for leader_election_test: polling with a deadline, a
// candidate run in this process, and one run as a leader_elector_main child.
// Header-only so the test needs no library of its own.

#include <fcntl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "base/child_process.h"
#include "base/clock.h"
#include "base/test_temp_dir.h"
#include "base/unique_fd.h"
#include "runtime/leader_election.h"

extern char** environ;  // NOLINT: POSIX declares it nowhere in a header

namespace drs::testing {

using SteadyClock = std::chrono::steady_clock;

inline constexpr auto kPollInterval = std::chrono::milliseconds(20);

// Polls `done` until it holds or `timeout` passes; returns whether it held.
inline bool PollUntil(const std::function<bool()>& done, SteadyClock::duration timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  while (!done()) {
    if (SteadyClock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
  return true;
}

inline double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// One in-process candidate: its elector, the thread running it, and what
// its callbacks saw.
// Thread-safety: the accessors are thread-safe (callbacks run on the
// elector's threads); Start and Stop are for the owning test thread.
class Candidate {
 public:
  Candidate(kubeclient::DynamicClient& client, runtime::LeaderElectionConfig config) {
    runtime::LeaderCallbacks callbacks{
        .on_started_leading = [this](std::stop_token stop) { Lead(std::move(stop)); },
        .on_stopped_leading = [this] { ++stopped_; },
        .on_new_leader = [this](const std::string& holder) { NewLeader(holder); }};
    auto elector = runtime::LeaderElector::Create(std::move(config), std::move(callbacks), client,
                                                  RealClock::Get());
    EXPECT_TRUE(elector.ok()) << elector.error();
    if (elector.ok()) elector_ = std::move(elector).value();
  }

  void Start() {
    thread_ = std::jthread([this](std::stop_token stop) {
      const Status status = elector_->Run(stop);
      std::lock_guard lock(mu_);
      run_status_ = status;
      run_returned_ = true;
    });
  }
  // Requests stop and waits for Run to return.
  void Stop() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
  }

  runtime::LeaderElector& elector() { return *elector_; }
  const std::string& identity() const { return elector_->config().identity; }
  int started() const { return started_.load(); }
  int stopped() const { return stopped_.load(); }
  bool term_token_stopped() const { return term_token_stopped_.load(); }
  std::vector<std::string> new_leaders() {
    std::lock_guard lock(mu_);
    return new_leaders_;
  }
  bool run_returned() {
    std::lock_guard lock(mu_);
    return run_returned_;
  }
  Status run_status() {
    std::lock_guard lock(mu_);
    return run_status_;
  }

 private:
  // Like a controller manager: runs until the term ends.
  void Lead(std::stop_token stop) {
    ++started_;
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    cv.wait(lock, stop, [] { return false; });
    term_token_stopped_ = true;
  }
  void NewLeader(const std::string& holder) {
    std::lock_guard lock(mu_);
    new_leaders_.push_back(holder);
  }

  std::unique_ptr<runtime::LeaderElector> elector_;
  std::atomic<int> started_{0};
  std::atomic<int> stopped_{0};
  std::atomic<bool> term_token_stopped_{false};
  std::mutex mu_;
  std::vector<std::string> new_leaders_;  // guarded by mu_
  Status run_status_;                     // guarded by mu_
  bool run_returned_ = false;             // guarded by mu_
  std::jthread thread_;                   // last: joined before the state it uses dies
};

// A leader_elector_main child with its output in files.
// Thread-safety: not thread-safe; the test thread owns it.
class ElectorProcess {
 public:
  // Runs `program` (leader_elector_main) as `identity` with `args`.
  ElectorProcess(const std::string& program, const test::TempDir& dir, const std::string& identity,
                 std::vector<std::string> args)
      : identity_(identity),
        out_path_(dir.Join(identity + ".out")),
        err_path_(dir.Join(identity + ".err")) {
    UniqueFd out(::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    UniqueFd err(::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    SpawnRequest request;
    request.argv = {program, "--identity=" + identity};
    request.argv.insert(request.argv.end(), args.begin(), args.end());
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
      request.envp.emplace_back(*entry);
    }
    request.stdout_fd = out.get();
    request.stderr_fd = err.get();
    auto child = ChildProcess::Spawn(request);
    EXPECT_TRUE(child.ok()) << child.error();
    if (child.ok()) child_ = std::make_unique<ChildProcess>(std::move(child).value());
  }

  const std::string& identity() const { return identity_; }
  ChildProcess& child() { return *child_; }
  std::string Output() const { return Read(out_path_); }
  bool Says(const std::string& event) const {
    return Output().find(event + "\n") != std::string::npos;
  }
  // Everything it printed, for failure messages.
  std::string Transcript() const {
    return "--- " + identity_ + " stdout:\n" + Output() + "--- stderr:\n" + Read(err_path_);
  }

 private:
  static std::string Read(const std::string& path) {
    std::string text;
    if (std::FILE* f = std::fopen(path.c_str(), "r")) {
      char buf[4096];
      std::size_t n = 0;
      while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) text.append(buf, n);
      std::fclose(f);
    }
    return text;
  }

  std::string identity_;
  std::string out_path_;
  std::string err_path_;
  std::unique_ptr<ChildProcess> child_;
};

}  // namespace drs::testing
