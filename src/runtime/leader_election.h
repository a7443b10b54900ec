#pragma once
// LeaderElector: Lease-based leader election with client-go's semantics
// (tools/leaderelection), so that of several dr-syncer replicas exactly one
// runs the controllers.
//
// Candidates compete for one coordination.k8s.io/v1 Lease. Run() first tries
// to acquire it every retry_period (jittered): it creates the Lease when
// missing, and takes it over when nobody holds it or when the holder has not
// renewed for leaseDurationSeconds *as observed locally* (see
// leader_election_logic.h). Every write carries the resourceVersion just
// read, so of two candidates racing for one Lease the API server lets exactly
// one win; the other gets a Conflict and keeps waiting.
//
// Once it holds the lease, a term begins: on_started_leading runs on a thread
// of its own, and the lease is renewed every retry_period. A term ends when
//   - no renewal has succeeded for renew_deadline (counted from the start of
//     the last successful attempt — conservative, as a successor counts
//     lease_duration from when it *saw* that write, which is later), or
//   - the Lease is seen naming someone else, or
//   - `stop` is requested (graceful shutdown).
// Then the term's stop_token is requested, on_started_leading is waited for,
// the lease is released when the term ended by `stop` (release_on_cancel),
// and on_stopped_leading runs. In-flight API requests are cancelled at the
// renew deadline, so a hung API server cannot stretch a term.
//
// Run returns after a term ends, like client-go's: the caller decides whether
// to stand again (call Run again) or to exit, which is what a controller
// manager must do once its controllers may have been overtaken.
//
// Thread-safety: IsLeader and GetLeader are thread-safe. Run must not be
// called concurrently with itself; the elector is owned by whoever calls Run.

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <stop_token>
#include <string>

#include <spdlog/spdlog.h>

#include "base/clock.h"
#include "base/result.h"
#include "base/synchronized.h"
#include "kubeclient/dynamic_client.h"
#include "runtime/leader_election_config.h"
#include "runtime/leader_election_logic.h"

namespace drs::runtime {

struct LeaderCallbacks {
  // Runs on a thread of its own when a term begins. `stop` is requested when
  // the term ends; the lease is released only after this returns, so it must
  // return promptly once `stop` is requested (or right away, if it only
  // starts work that watches `stop`).
  std::function<void(std::stop_token stop)> on_started_leading;
  // Runs on Run's thread after a term ended (never when no term began).
  std::function<void()> on_stopped_leading;
  // Runs on Run's thread whenever the Lease is seen naming a new holder,
  // ourselves included. Must not block.
  std::function<void(const std::string& identity)> on_new_leader;
};

class LeaderElector {
 public:
  // Invalid when the config is (ValidateLeaderElectionConfig).
  // REQUIRES: `client` and `clock` outlive the elector.
  static Result<std::unique_ptr<LeaderElector>> Create(LeaderElectionConfig config,
                                                       LeaderCallbacks callbacks,
                                                       kubeclient::DynamicClient& client,
                                                       Clock& clock);
  // Only Create can make the key, so every elector has a validated config.
  class Key {
    friend class LeaderElector;
    Key() = default;
  };
  LeaderElector(Key key, LeaderElectionConfig config, LeaderCallbacks callbacks,
                kubeclient::DynamicClient& client, Clock& clock);
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  // Blocks until `stop` is requested (OK) or a term ended by losing the lease
  // (Unavailable, naming the Lease). See the file comment.
  Status Run(std::stop_token stop);

  // True while a term runs. It turns false when Run notices the term ended,
  // which can trail the term's stop_token by the time an in-flight request
  // takes to abort; controllers must follow the token, not poll this.
  bool IsLeader() const { return leading_.load(); }
  // The holder named by the Lease when last read or written; empty when
  // nobody holds it or it has not been read yet.
  std::string GetLeader() const { return *leader_.Lock(); }
  const LeaderElectionConfig& config() const { return config_; }

 private:
  // Tries until the lease is ours; returns when the winning attempt started,
  // or nullopt when stopped first.
  std::optional<Clock::TimePoint> Acquire(std::stop_token stop);
  // Runs one term that began at `term_start`; true when it ended by losing
  // the lease, false when by `stop`.
  bool Lead(Clock::TimePoint term_start, std::stop_token stop);
  // Reads the Lease, decides, and writes when the decision says so. An error
  // is a failed read or write (a Conflict: someone else wrote first).
  Result<LeaseAction> TryAcquireOrRenew(bool leading, std::stop_token stop);
  // Clears the holder if the Lease still names us; failures are only logged.
  void Release();
  void ObserveHolder(const std::string& holder);
  Clock::Duration JitteredRetryPeriod();
  std::string LeaseKey() const;

  const LeaderElectionConfig config_;
  const LeaderCallbacks callbacks_;
  kubeclient::DynamicClient& client_;
  Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
  // Used only on the Run thread.
  LeaseDecider decider_;
  std::mt19937_64 rng_;
  std::string reported_leader_;

  std::atomic<bool> leading_{false};
  mutable Synchronized<std::string> leader_;
};

}  // namespace drs::runtime
