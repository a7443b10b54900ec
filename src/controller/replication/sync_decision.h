#pragma once
// When does a Replication sync? The pure half of the Replication
// controller's scheduling:
//   - paused: never;
//   - a new or changed spec (generation not yet observed): at once;
//   - Manual: once per new value of the dr-syncer.io/sync-now annotation;
//   - Scheduled: at each cron tick; a tick missed while the controller was
//     down (the last sync is older than the latest tick) runs once, at once;
//   - Continuous: when the source changed, else every backgroundSyncInterval.
//
// Thread-safety: pure function.

#include <optional>
#include <string>

#include "api/replication.h"
#include "base/clock.h"

namespace drs::controller {

struct SyncDecision {
  bool sync_now = false;
  std::string why;                           // for logs and Events
  std::optional<Clock::WallTime> next_sync;  // when to look again (none: only on events)
  std::string trigger;                       // the sync-now token this sync handles, if any
  // Continuous mode, nothing but source changes to handle: the changed
  // objects alone may be synced (the spec was seen, no token is pending).
  bool source_change_only = false;
};

SyncDecision DecideSync(const api::Replication& replication, const std::string& schedule,
                        Clock::WallTime now, bool source_changed);

}  // namespace drs::controller
