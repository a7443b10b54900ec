#pragma once
// The Replication status fields of data sync: status.pvcs (ordered by
// namespace and claim) and the DataSynced condition —
//   True  Synced      every claim has a copy from the current round or is
//                     syncing again with an earlier copy in place;
//   False SyncFailed  some claim failed its round (names the first);
//   False Pending     some claim has no copy yet (waiting, skipped or
//                     first sync running); names the first and why;
//   True  NoClaims    the Replication has no claims to copy.
// A failed data sync also turns a Synced Replication Degraded (Ready False,
// reason DataSyncFailed): a DR site without its data is not ready.
// With syncData off, both fields are removed.
//
// Thread-safety: pure functions.

#include <vector>

#include "api/replication.h"

namespace drs::controller::datasync {

void ApplyDataSyncStatus(api::ReplicationStatus& status, std::vector<api::PvcStatus> pvcs,
                         std::int64_t generation, Clock::WallTime now);
void ClearDataSyncStatus(api::ReplicationStatus& status);
// Data sync cannot run (the source has no agents, observing failed):
// DataSynced False with `reason` and `message`; the claims' last states stay.
void ApplyDataSyncBlocked(api::ReplicationStatus& status, std::string reason, std::string message,
                          std::int64_t generation, Clock::WallTime now);

}  // namespace drs::controller::datasync
