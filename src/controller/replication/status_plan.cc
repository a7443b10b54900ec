#include "controller/replication/status_plan.h"

#include <algorithm>

namespace drs::controller {
namespace {

using api::ConditionStatus;

void Set(api::ReplicationStatus& s, std::string_view type, bool ok, std::string reason,
         std::string message, std::int64_t generation, Clock::WallTime now) {
  api::SetCondition(s.conditions,
                    api::Condition{.type = std::string(type),
                                   .status = ok ? ConditionStatus::kTrue : ConditionStatus::kFalse,
                                   .reason = std::move(reason),
                                   .message = std::move(message),
                                   .observed_generation = generation},
                    now);
}

}  // namespace

api::ReplicationStatus PlanSyncStatus(const api::Replication& r, const SyncAttempt& a) {
  api::ReplicationStatus s = r.status;
  const auto gen = r.metadata.generation;
  const auto now = a.finished;
  s.observed_generation = gen;
  s.source = api::DescribeSource(r.spec);
  s.destination = api::DescribeDestination(r.spec);
  s.last_sync_time = a.finished;
  s.last_sync_duration = std::chrono::duration_cast<api::Duration>(a.finished - a.started);
  s.next_sync_time = a.next_sync;
  if (!a.trigger.empty()) s.last_handled_trigger = a.trigger;

  if (a.error) {
    s.phase = api::ReplicationPhase::kFailed;
    const std::string reason = a.error->reason() == "NamespaceConflict" ? "NamespaceConflict"
                               : a.failed_side == "source"              ? "SourceUnreachable"
                               : a.failed_side == "destination"         ? "DestinationUnreachable"
                                                                        : "SyncFailed";
    const std::string message = a.error->ToString();
    if (a.failed_side == "source")
      Set(s, api::kConditionSourceReachable, false, reason, message, gen, now);
    if (a.failed_side == "destination") {
      Set(s, api::kConditionDestinationReachable, false, reason, message, gen, now);
    }
    Set(s, api::kConditionSynced, false, reason, message, gen, now);
    Set(s, api::kConditionReady, false, reason, message, gen, now);
    s.message = message;
    return s;
  }

  const auto& rep = *a.report;
  Set(s, api::kConditionSourceReachable, true, "Reachable", "", gen, now);
  Set(s, api::kConditionDestinationReachable, true, "Reachable", "", gen, now);
  s.counts = api::SyncCounts{.total = rep.total,
                             .created = rep.created,
                             .updated = rep.updated,
                             .unchanged = rep.unchanged,
                             .deleted = rep.deleted,
                             .skipped = rep.skipped,
                             .failed = rep.failed};
  s.failures.clear();
  for (const auto& f : rep.failures) {
    if (s.failures.size() >= api::kMaxReportedFailures) break;
    s.failures.push_back(
        {.kind = f.kind, .ns = r.spec.source_namespace, .name = f.name, .reason = f.reason});
  }
  s.remembered_scales.clear();
  for (const auto& scale : rep.scales) {
    s.remembered_scales.push_back({.kind = scale.kind,
                                   .ns = r.spec.source_namespace,
                                   .name = scale.name,
                                   .replicas = static_cast<std::int32_t>(scale.replicas)});
  }
  std::string summary = std::to_string(rep.total) + " objects: " + std::to_string(rep.created) +
                        " created, " + std::to_string(rep.updated) + " updated, " +
                        std::to_string(rep.unchanged) + " unchanged, " +
                        std::to_string(rep.deleted) + " deleted, " + std::to_string(rep.skipped) +
                        " skipped, " + std::to_string(rep.failed) + " failed";
  if (rep.failed > 0 || rep.prune_blocked) {
    s.phase = api::ReplicationPhase::kDegraded;
    const std::string reason = rep.prune_blocked ? "PruneGuard" : "ObjectsFailed";
    const std::string message = rep.prune_blocked ? *rep.prune_blocked + "; " + summary : summary;
    Set(s, api::kConditionSynced, false, reason, message, gen, now);
    Set(s, api::kConditionReady, false, reason, message, gen, now);
    s.message = message;
  } else {
    s.phase = api::ReplicationPhase::kSynced;
    s.last_successful_sync_time = a.finished;
    Set(s, api::kConditionSynced, true, "Synced", summary, gen, now);
    Set(s, api::kConditionReady, true, "Synced", summary, gen, now);
    s.message = summary;
  }
  return s;
}

api::ReplicationStatus PlanTargetedStatus(const api::Replication& r, const SyncAttempt& a) {
  api::ReplicationStatus s = r.status;
  s.last_sync_time = a.finished;
  s.last_sync_duration = std::chrono::duration_cast<api::Duration>(a.finished - a.started);
  s.next_sync_time = a.next_sync;
  if (s.phase == api::ReplicationPhase::kSynced) s.last_successful_sync_time = a.finished;
  for (const auto& scale : a.report->scales) {
    api::RememberedScale remembered{.kind = scale.kind,
                                    .ns = r.spec.source_namespace,
                                    .name = scale.name,
                                    .replicas = static_cast<std::int32_t>(scale.replicas)};
    auto it = std::find_if(s.remembered_scales.begin(), s.remembered_scales.end(),
                           [&](const api::RememberedScale& m) {
                             return m.kind == scale.kind && m.name == scale.name;
                           });
    if (it == s.remembered_scales.end()) {
      s.remembered_scales.push_back(remembered);
    } else {
      *it = remembered;
    }
  }
  return s;
}

api::ReplicationStatus PlanBlockedStatus(const api::Replication& r, api::ReplicationPhase phase,
                                         std::string reason, std::string message,
                                         Clock::WallTime now) {
  api::ReplicationStatus s = r.status;
  s.observed_generation = r.metadata.generation;
  s.phase = phase;
  s.source = api::DescribeSource(r.spec);
  s.destination = api::DescribeDestination(r.spec);
  s.next_sync_time.reset();
  Set(s, api::kConditionReady, false, reason, message, r.metadata.generation, now);
  s.message = std::move(message);
  return s;
}

}  // namespace drs::controller
