#pragma once
// LeaderElectionConfig: which Lease a set of candidates compete for, who we
// are among them, and the timings, with the validation client-go applies.
//
// How the timings relate (client-go's defaults: 15 s / 10 s / 2 s):
//   - a leader renews every retry_period and stops leading when it has not
//     renewed for renew_deadline;
//   - a candidate takes the lease over once lease_duration has passed since
//     it last saw the record change.
// lease_duration > renew_deadline leaves the old leader time to notice its
// loss (and stop its controllers) before anyone else may start; renew_deadline
// > retry_period * kJitterFactor leaves room for at least one retry.
//
// Thread-safety: value types and pure functions.

#include <chrono>
#include <string>

#include "base/result.h"

namespace drs::runtime {

// client-go's JitterFactor: waits between acquire attempts are spread over
// [retry_period, retry_period * (1 + kJitterFactor)) so that candidates
// started together do not hit the API server in lockstep.
constexpr double kJitterFactor = 1.2;

struct LeaderElectionConfig {
  std::string lease_namespace;
  std::string lease_name;
  // Unique per process, e.g. DefaultIdentity(): two processes with one
  // identity would both believe they lead.
  std::string identity;
  // Whole seconds: the Lease stores leaseDurationSeconds as an integer.
  std::chrono::seconds lease_duration{15};
  std::chrono::milliseconds renew_deadline{10'000};
  std::chrono::milliseconds retry_period{2'000};
  // On a graceful stop, clear the holder so a successor starts at once
  // instead of after lease_duration (client-go's ReleaseOnCancel).
  bool release_on_cancel = true;
};

// Invalid, naming the rule broken, unless: namespace, name and identity are
// set; retry_period > 0; renew_deadline > retry_period * kJitterFactor;
// lease_duration > renew_deadline.
Status ValidateLeaderElectionConfig(const LeaderElectionConfig& config);

// "<hostname>_<pid>_<8 random hex digits>": unique per process even across
// pid reuse in containers, and still says where the leader runs.
std::string DefaultIdentity();

}  // namespace drs::runtime
