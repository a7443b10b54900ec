// Continuous mode's fast path: a burst of source changes is synced object by
// object instead of listing the whole namespace again, so a change reaches
// DR in about a round trip per object whatever the namespace's size.
#include "base/logging.h"
#include "controller/replication/reconciler.h"

namespace drs::controller {

void ReplicationReconciler::EnsureWatches(const std::string& key, const api::Replication& r,
                                          Handles& source, Handles& destination,
                                          std::stop_token stop) {
  {
    std::lock_guard lock(mu_);
    debounce_[key] = std::chrono::duration_cast<Clock::Duration>(r.spec.continuous.debounce);
  }
  const auto log = GetLogger("replication");
  auto pairs = PairsFor(r, source, stop);
  if (!pairs.ok()) {
    log->warn(Fields("cannot watch the source; relying on the background interval",
                     {{"replication", key}, {"error", pairs.error().ToString()}}));
    return;
  }
  // The types are resolved once, against the source: they are the same for
  // every namespace of the Replication.
  const auto spec =
      BuildSyncSpec(r, r.spec.source_namespace, r.spec.destination_namespace,
                    api::EffectiveResourceTypes(r.spec, source.spec(), destination.spec()));
  auto types = sync::SourceTypes({*source.client, *source.discovery}, spec, stop);
  if (!types.ok()) {
    log->warn(Fields("cannot watch the source; relying on the background interval",
                     {{"replication", key}, {"error", types.error().ToString()}}));
    return;
  }
  std::vector<std::string> namespaces;
  for (const auto& [from, to] : *pairs) namespaces.push_back(from);
  // A namespace that starts matching the selector later is found by the
  // next full sync (the background interval), which also watches it.
  watches_->Ensure(key, r.metadata.generation, *source.client, source.keep_alive, namespaces,
                   *types);
}

std::optional<SyncAttempt> ReplicationReconciler::RunTargetedSync(
    const api::Replication& r, Handles& source, Handles& destination,
    const std::set<sync::ChangedObject>& changed, std::stop_token stop) {
  const std::string key = r.metadata.ns + "/" + r.metadata.name;
  const auto log = GetLogger("replication");
  SyncAttempt a;
  a.started = clock_.WallNow();
  // The changes by source namespace, each with its destination.
  std::map<std::string, std::vector<sync::ChangedObject>> by_namespace;
  for (const auto& c : changed) by_namespace[c.ns].push_back(c);
  sync::SyncReport total;
  for (const auto& [from, objects] : by_namespace) {
    std::string to = r.spec.destination_namespace;
    if (r.spec.namespace_selector) {
      auto dest = api::DestinationNamespaceFor(r.spec, from);
      if (!dest.ok()) return std::nullopt;  // the full sync reports it
      to = *dest;
    } else if (from != r.spec.source_namespace) {
      continue;  // a watch of an earlier spec: nothing to do with this one
    }
    auto spec = BuildSyncSpec(
        r, from, to, api::EffectiveResourceTypes(r.spec, source.spec(), destination.spec()));
    spec.memo = MemoFor(r, from, to);
    auto result =
        sync::SyncObjects({*source.client, *source.discovery},
                          {*destination.client, *destination.discovery}, spec, objects, stop);
    if (!result.ok()) {
      if (result.error().code() == ErrorCode::kCancelled) {
        a.error = std::move(result).error();
        a.finished = clock_.WallNow();
        return a;
      }
      log->info(Fields("changed objects could not be synced alone; syncing the namespace",
                       {{"replication", key}, {"error", result.error().ToString()}}));
      return std::nullopt;
    }
    if (!result->needs_full_sync.empty() || result->report.failed > 0) {
      // The full sync decides and reports, with every rule (prune guard,
      // failures in status) applied to the whole namespace.
      log->info(Fields("syncing the namespace instead of the changed objects",
                       {{"replication", key},
                        {"why", result->needs_full_sync.empty() ? "an object failed"
                                                                : result->needs_full_sync}}));
      return std::nullopt;
    }
    const auto& rep = result->report;
    total.total += rep.total;
    total.created += rep.created;
    total.updated += rep.updated;
    total.unchanged += rep.unchanged;
    total.skipped += rep.skipped;
    total.writes += rep.writes;
    for (const auto& scale : rep.scales) total.scales.push_back(scale);
  }
  a.report = std::move(total);
  a.finished = clock_.WallNow();
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
      ->info(Fields("changed objects synced", {{"replication", key},
                                               {"objects", std::to_string(rep.total)},
                                               {"writes", std::to_string(rep.writes)},
                                               {"seconds", std::to_string(seconds)}}));
}

}  // namespace drs::controller
