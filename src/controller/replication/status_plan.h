#pragma once
// The Replication status after a sync (or a sync that could not run):
// phase, conditions, counts, the first failures, remembered scales, times.
//
// Phase: Synced (every object in step), Degraded (some objects failed, or
// pruning was held back by its guard), Failed (the sync could not run:
// a cluster unreachable, a namespace conflict, an invalid spec), Paused.
// Conditions: Ready (phase Synced), Synced, SourceReachable,
// DestinationReachable; reasons say what to fix.
//
// Thread-safety: pure functions.

#include <optional>
#include <string>

#include "api/replication.h"
#include "base/clock.h"
#include "sync/sync_report.h"

namespace drs::controller {

struct SyncAttempt {
  Clock::WallTime started;
  Clock::WallTime finished;
  std::string trigger;  // the sync-now token handled, if any
  std::optional<Clock::WallTime> next_sync;
  // Exactly one of report / error.
  std::optional<sync::SyncReport> report;
  std::optional<Error> error;
  // Which side the error came from, when known: "source" or "destination".
  std::string failed_side;
};

api::ReplicationStatus PlanSyncStatus(const api::Replication& replication,
                                      const SyncAttempt& attempt);

// Status after Continuous mode synced only the changed objects, all of them
// successfully: times move on and remembered scales are refreshed for those
// objects; counts, failures and phase stay those of the last full sync (the
// whole namespace's picture). lastSuccessfulSyncTime moves only when that
// picture was Synced.
api::ReplicationStatus PlanTargetedStatus(const api::Replication& replication,
                                          const SyncAttempt& attempt);

// Status for a Replication that cannot sync at all right now (invalid spec,
// a RemoteCluster not ready, paused): phase, Ready False with `reason`.
api::ReplicationStatus PlanBlockedStatus(const api::Replication& replication,
                                         api::ReplicationPhase phase, std::string reason,
                                         std::string message, Clock::WallTime now);

}  // namespace drs::controller
