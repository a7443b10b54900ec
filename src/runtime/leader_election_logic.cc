#include "runtime/leader_election_logic.h"

#include <utility>

namespace drs::runtime {
namespace {

// client-go's release value: the smallest positive duration, so a candidate
// that still sees the record before noticing the empty holder waits at most
// one second.
constexpr std::int64_t kReleasedLeaseDurationSeconds = 1;

}  // namespace

std::string_view LeaseActionName(LeaseAction action) {
  switch (action) {
    case LeaseAction::kCreate:
      return "create";
    case LeaseAction::kAcquire:
      return "acquire";
    case LeaseAction::kRenew:
      return "renew";
    case LeaseAction::kWait:
      return "wait";
    case LeaseAction::kLost:
      return "lost";
  }
  return "unknown";
}

LeaseDecider::LeaseDecider(std::string identity, std::chrono::seconds lease_duration)
    : identity_(std::move(identity)), lease_duration_(lease_duration) {}

void LeaseDecider::Observe(const std::optional<LeaderElectionRecord>& record,
                           Clock::TimePoint now) {
  // Only a change restarts the clock: re-reading an unrenewed record must let
  // its lease run out. Every renewal changes renewTime, so it counts.
  if (record != observed_) {
    observed_ = record;
    observed_time_ = now;
  }
}

LeaseAction LeaseDecider::Decide(const std::optional<LeaderElectionRecord>& current, bool leading,
                                 Clock::TimePoint now) {
  Observe(current, now);
  // A missing Lease is created even during a term (someone deleted it):
  // creation is atomic, so of several candidates exactly one succeeds.
  if (!current.has_value()) return LeaseAction::kCreate;
  const bool ours = current->holder_identity == identity_;
  if (leading) {
    // Only we write our name; any other content means the term was ended for
    // us, by a successor or by hand. Give up rather than fight over it.
    return ours ? LeaseAction::kRenew : LeaseAction::kLost;
  }
  // Our own name outside a term: an earlier term of ours ran out (say the API
  // server was unreachable for renewDeadline). Start a fresh term.
  if (ours || current->holder_identity.empty()) return LeaseAction::kAcquire;
  const auto expiry = observed_time_ + std::chrono::seconds(current->lease_duration_seconds);
  return now >= expiry ? LeaseAction::kAcquire : LeaseAction::kWait;
}

LeaderElectionRecord LeaseDecider::Desired(LeaseAction action, Clock::WallTime wall_now) const {
  const Clock::WallTime stamp = TruncateToMicros(wall_now);
  LeaderElectionRecord record{.holder_identity = identity_,
                              .lease_duration_seconds = lease_duration_.count(),
                              .acquire_time = stamp,
                              .renew_time = stamp,
                              .lease_transitions = 0};
  if (action == LeaseAction::kRenew && observed_.has_value()) {
    record.acquire_time = observed_->acquire_time;
    record.lease_transitions = observed_->lease_transitions;
  } else if (action == LeaseAction::kAcquire && observed_.has_value()) {
    record.lease_transitions = observed_->lease_transitions + 1;
  }
  return record;
}

void LeaseDecider::Wrote(const LeaderElectionRecord& record, Clock::TimePoint now) {
  Observe(record, now);
}

LeaderElectionRecord ReleasedRecord(const LeaderElectionRecord& current, Clock::WallTime wall_now) {
  const Clock::WallTime stamp = TruncateToMicros(wall_now);
  return LeaderElectionRecord{.holder_identity = "",
                              .lease_duration_seconds = kReleasedLeaseDurationSeconds,
                              .acquire_time = stamp,
                              .renew_time = stamp,
                              .lease_transitions = current.lease_transitions};
}

}  // namespace drs::runtime
