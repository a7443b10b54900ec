// Continuous mode's fast path: a burst of source changes is synced object by
// object instead of listing the whole namespace again, so a change reaches
// DR in about a round trip per object whatever the namespace's size.
#include "base/logging.h"
#include "controller/replication/reconciler.h"

namespace drs::controller {

std::optional<SyncAttempt> ReplicationReconciler::RunTargetedSync(
    const api::Replication& r, Handles& source, Handles& destination,
    const std::vector<sync::ChangedObject>& changed, std::stop_token stop) {
  const std::string key = r.metadata.ns + "/" + r.metadata.name;
  SyncAttempt a;
  a.started = clock_.WallNow();
  auto spec = BuildSyncSpec(r, r.spec.source_namespace, r.spec.destination_namespace,
                            api::EffectiveResourceTypes(r.spec, source.spec(), destination.spec()));
  spec.memo = MemoFor(r, r.spec.source_namespace, r.spec.destination_namespace);
  auto result =
      sync::SyncObjects({*source.client, *source.discovery},
                        {*destination.client, *destination.discovery}, spec, changed, stop);
  a.finished = clock_.WallNow();
  const auto log = GetLogger("replication");
  if (!result.ok()) {
    if (result.error().code() == ErrorCode::kCancelled) {
      a.error = std::move(result).error();
      return a;
    }
    log->info(Fields("changed objects could not be synced alone; syncing the namespace",
                     {{"replication", key}, {"error", result.error().ToString()}}));
    return std::nullopt;
  }
  if (!result->needs_full_sync.empty() || result->report.failed > 0) {
    // The full sync decides and reports, with every rule (prune guard,
    // failures in status) applied to the whole namespace.
    log->info(Fields(
        "syncing the namespace instead of the changed objects",
        {{"replication", key},
         {"why", result->needs_full_sync.empty() ? "an object failed" : result->needs_full_sync}}));
    return std::nullopt;
  }
  a.report = std::move(result->report);
  return a;
}

void ReplicationReconciler::RecordTargeted(const std::string& key, const SyncAttempt& a,
                                           bool all_in_step) {
  const auto& rep = *a.report;
  const double seconds = std::chrono::duration<double>(a.finished - a.started).count();
  if (sync_seconds_ != nullptr) sync_seconds_->WithLabels({key}).Observe(seconds);
  if (objects_ != nullptr) {
    const std::pair<const char*, std::int64_t> outcomes[] = {{"created", rep.created},
                                                             {"updated", rep.updated},
                                                             {"unchanged", rep.unchanged},
                                                             {"skipped", rep.skipped}};
    for (const auto& [name, n] : outcomes) {
      if (n > 0) objects_->WithLabels({key, name}).Inc(static_cast<double>(n));
    }
  }
  if (all_in_step && last_success_ != nullptr) {
    last_success_->WithLabels({key}).Set(
        std::chrono::duration<double>(a.finished.time_since_epoch()).count());
  }
  GetLogger("replication")
      ->debug(Fields("changed objects synced", {{"replication", key},
                                                {"objects", std::to_string(rep.total)},
                                                {"writes", std::to_string(rep.writes)},
                                                {"seconds", std::to_string(seconds)}}));
}

}  // namespace drs::controller
