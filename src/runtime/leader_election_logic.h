#pragma once
// The decisions of Lease leader election, without I/O (client-go's
// tryAcquireOrRenew minus the API calls): given the Lease as just read, our
// identity, whether our term is running, and the monotonic time, say whether
// to create, take over, renew, wait or give up.
//
// Expiry is judged by *local observation*, never by the Lease's renewTime:
// a holder's lease runs until leaseDurationSeconds after the moment we last
// saw the record change. Clocks of different machines may disagree by any
// amount; the rate at which each advances is all this relies on. A candidate
// that starts while a lease is held therefore waits a whole lease duration,
// however old the renewTime looks.
//
// Thread-safety: not thread-safe. One LeaderElector owns it and uses it only
// from its Run thread.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "runtime/leader_election_record.h"

namespace drs::runtime {

// What one attempt does after reading the Lease.
enum class LeaseAction {
  kCreate,   // no Lease exists: create it naming us
  kAcquire,  // free, expired by our observation, or naming us outside a term: start a term
  kRenew,    // our term runs and the Lease still names us: move renewTime on
  kWait,     // another holder's lease is live by our observation: look again later
  kLost,     // our term runs but the Lease no longer names us: the term is over
};

std::string_view LeaseActionName(LeaseAction action);

// True for the actions that write a record naming us.
inline bool WritesLease(LeaseAction action) {
  return action == LeaseAction::kCreate || action == LeaseAction::kAcquire ||
         action == LeaseAction::kRenew;
}

class LeaseDecider {
 public:
  // `lease_duration` is what we write into records we hold; others' records
  // are judged by their own leaseDurationSeconds.
  LeaseDecider(std::string identity, std::chrono::seconds lease_duration);

  // Decides about `current` (nullopt: no Lease exists), read at monotonic
  // `now` (take it *after* the read returned: an earlier time could make a
  // lease renewed during the read look older than it is). `leading` says
  // whether our term is running. Records the observation.
  LeaseAction Decide(const std::optional<LeaderElectionRecord>& current, bool leading,
                     Clock::TimePoint now);

  // The record to write for `action`, stamped with `wall_now`.
  // REQUIRES: WritesLease(action), and for kAcquire and kRenew that the last
  // Decide saw a Lease.
  LeaderElectionRecord Desired(LeaseAction action, Clock::WallTime wall_now) const;

  // After `record` was written successfully at `now`: it is what we observe.
  void Wrote(const LeaderElectionRecord& record, Clock::TimePoint now);

  const std::string& identity() const { return identity_; }
  // The last record read or written; nullopt before the first, or when the
  // Lease was last seen missing.
  const std::optional<LeaderElectionRecord>& observed() const { return observed_; }
  // When the observed record last changed, by the monotonic clock.
  Clock::TimePoint observed_time() const { return observed_time_; }

 private:
  void Observe(const std::optional<LeaderElectionRecord>& record, Clock::TimePoint now);

  std::string identity_;
  std::chrono::seconds lease_duration_;
  std::optional<LeaderElectionRecord> observed_;
  Clock::TimePoint observed_time_{};
};

// The record that gives the lease up (client-go's release): no holder and a
// one-second duration, so a waiting candidate takes over at its next attempt;
// the transition count is kept, the next holder increments it.
LeaderElectionRecord ReleasedRecord(const LeaderElectionRecord& current, Clock::WallTime wall_now);

}  // namespace drs::runtime
