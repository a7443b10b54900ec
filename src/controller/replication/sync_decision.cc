#include "controller/replication/sync_decision.h"

#include "api/cron.h"

namespace drs::controller {

SyncDecision DecideSync(const api::Replication& r, const std::string& schedule, Clock::WallTime now,
                        bool source_changed) {
  SyncDecision d;
  if (r.spec.paused) {
    d.why = "paused";
    return d;
  }
  const auto& status = r.status;
  const auto token_it = r.metadata.annotations.find(std::string(api::kSyncNowAnnotation));
  const std::string token = token_it == r.metadata.annotations.end() ? "" : token_it->second;
  const bool new_token = !token.empty() && token != status.last_handled_trigger;
  if (new_token) d.trigger = token;

  if (r.metadata.generation != status.observed_generation || !status.last_sync_time) {
    d.sync_now = true;
    d.why = status.last_sync_time ? "the spec changed" : "first sync";
  }
  switch (r.spec.replication_mode) {
    case api::ReplicationMode::kManual:
      if (new_token) {
        d.sync_now = true;
        if (d.why.empty()) d.why = "sync-now " + token;
      }
      return d;
    case api::ReplicationMode::kScheduled: {
      auto cron = api::CronSchedule::Parse(schedule);
      if (!cron.ok()) return d;  // validation reports it; nothing to schedule
      if (!d.sync_now && status.last_sync_time) {
        const auto due = cron->Next(*status.last_sync_time);
        if (due && *due <= now) {
          d.sync_now = true;
          d.why = "scheduled";
        }
      }
      if (new_token && !d.sync_now) {
        d.sync_now = true;
        d.why = "sync-now " + token;
      }
      d.next_sync = cron->Next(now);
      return d;
    }
    case api::ReplicationMode::kContinuous: {
      const auto interval = std::chrono::duration_cast<Clock::WallTime::duration>(
          r.spec.continuous.background_sync_interval);
      if (!d.sync_now && (source_changed || new_token)) {
        d.sync_now = true;
        d.why = source_changed ? "the source changed" : "sync-now " + token;
        d.source_change_only = source_changed && !new_token;
      }
      if (!d.sync_now && status.last_sync_time && *status.last_sync_time + interval <= now) {
        d.sync_now = true;
        d.why = "background resync";
      }
      d.next_sync = (d.sync_now ? now : *status.last_sync_time) + interval;
      return d;
    }
  }
  return d;
}

}  // namespace drs::controller
