#pragma once
// The data sync of one claim, planned from what was observed: the latest
// mover Job's outcome becomes the claim's status (phase, lastSyncTime,
// bytes, files, duration, message), and the plan says whether to start a
// mover Job (and which attempt), mount the claim with a temporary pod, or
// remove that pod, and when to look again.
//
// Digests (skipUnchanged): a successful run's source and destination
// digests are recorded in the claim's status, for the next mover to skip
// an unchanged transfer; a success without them clears them. A failed or
// interrupted run keeps the earlier ones: it may have written to the DR
// copy, which then no longer matches its digest, so no skip follows.
//
// Rounds: every object sync that ran (status.lastSyncTime, with a report)
// starts a data round. A claim is served in a round when a mover Job
// created at or after the round's start succeeded; its lastSyncTime is
// that Job's creation time (the DR copy holds the data as of at least
// then). A round's failures are retried per retryConfig; once the retries
// are spent the claim is Failed until the next round.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/replication.h"
#include "base/clock.h"
#include "controller/datasync/mover_outcome.h"
#include "controller/datasync/source_locator.h"

namespace drs::controller::datasync {

// How often a running mover or a claim waiting on something is looked at.
inline constexpr std::chrono::seconds kActivePoll{5};
inline constexpr std::chrono::seconds kWaitingPoll{30};

struct ClaimInputs {
  std::string source_ns;
  std::string claim;
  bool source_found = false;
  std::string volume_name;  // "" while the source claim is not bound
  Location location;
  bool mount_pod_exists = false;
  bool destination_found = false;
  std::optional<std::string> in_use_by;
  std::optional<MoverRun> latest;                 // the claim's newest mover Job
  std::optional<Clock::WallTime> access_granted;  // when agents were told about the volume
};

struct ClaimContext {
  std::optional<Clock::WallTime> round;  // none: no object sync has run yet
  Clock::WallTime now;
  api::RetryConfig retry;
  bool mount_unattached = false;
  // How long agents need to see a change of access.json.
  api::Duration access_propagation{};
  bool keys_ready = false;  // a mover key and the agents' host keys exist
  // dataSyncConfig.skipUnchanged: off, the claims' recorded digests go.
  bool skip_unchanged = true;
};

enum class ClaimAction { kNone, kStartJob, kCreateMountPod };

struct ClaimPlan {
  ClaimAction action = ClaimAction::kNone;
  std::int32_t attempt = 0;  // of the Job to start
  bool delete_mount_pod = false;
  bool active = false;  // a mover Job of the claim is running (counts against limits)
  api::PvcStatus status;
  std::optional<Clock::WallTime> wake;
};

ClaimPlan PlanClaim(const ClaimInputs& in, const ClaimContext& ctx, const api::PvcStatus* previous);

// Lets at most `slots` of the plans that start a Job do so — claims never
// synced first, then the longest unsynced, then by name; the others wait
// (Pending, `why`). Returns how many may start.
int LimitStarts(std::vector<ClaimPlan>& plans, int slots, const std::string& why,
                Clock::WallTime now);

// "12.5 MiB" — for messages.
std::string HumanBytes(std::int64_t bytes);

}  // namespace drs::controller::datasync
