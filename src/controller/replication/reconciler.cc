#include "controller/replication/reconciler.h"

#include "api/cron.h"

#include "base/logging.h"
#include "controller/replication/sync_decision.h"
#include "kube/object.h"

namespace drs::controller {
namespace {

const kube::GroupVersionResource kNamespaces{"", "v1", "namespaces"};

double Seconds(Clock::Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

sync::NamespaceSyncSpec BuildSyncSpec(const api::Replication& r, const std::string& source_ns,
                                      const std::string& destination_ns,
                                      const std::vector<std::string>& resource_types) {
  const auto& s = r.spec;
  sync::NamespaceSyncSpec spec;
  spec.resource_types = resource_types.empty() ? std::vector<std::string>{"*"} : resource_types;
  spec.resource_types.insert(spec.resource_types.end(), s.namespace_scoped_resources.begin(),
                             s.namespace_scoped_resources.end());
  spec.exclude_resource_types = s.exclude_resource_types;
  spec.selection.label_selector = s.label_selector;
  for (const auto& e : s.exclude) spec.selection.exclude.push_back({e.kind, e.name_pattern});
  auto& t = spec.transform;
  t.source_namespace = source_ns;
  t.destination_namespace = destination_ns;
  t.replication = r.metadata.ns + "/" + r.metadata.name;
  t.source_cluster = s.source_cluster;
  t.scale_to_zero = s.scale_to_zero;
  t.preserve_node_ports = s.service_config.preserve_node_ports;
  t.preserve_load_balancer_ip = s.service_config.preserve_load_balancer_ip;
  t.preserve_ingress_annotations = s.ingress_config.preserve_annotations;
  t.preserve_ingress_tls = s.ingress_config.preserve_tls;
  for (const auto& m : s.pvc_config.storage_class_mappings)
    t.storage_class_mappings.emplace_back(m.from, m.to);
  for (const auto& m : s.pvc_config.access_mode_mappings)
    t.access_mode_mappings.emplace_back(m.from, m.to);
  t.preserve_volume_attributes = s.pvc_config.preserve_volume_attributes;
  t.sync_persistent_volumes = s.pvc_config.sync_persistent_volumes;
  t.preserve_namespace_labels = s.namespace_config.preserve_labels;
  t.preserve_namespace_annotations = s.namespace_config.preserve_annotations;
  spec.sync_crds = s.sync_crds;
  spec.prune = s.prune.enabled;
  spec.max_delete_percent = s.prune.max_delete_percent;
  spec.recreate_on_immutable =
      s.immutable_resource_config.default_handling == api::ImmutableHandling::kRecreate;
  for (const auto& [resource, handling] : s.immutable_resource_config.resource_overrides) {
    spec.immutable_overrides[resource] = handling == api::ImmutableHandling::kRecreate;
  }
  return spec;
}

ReplicationReconciler::ReplicationReconciler(LocalCluster local, const runtime::Store& replications,
                                             const runtime::Store& remote_clusters,
                                             ClusterConnections& connections,
                                             runtime::EventRecorder& events, Clock& clock,
                                             runtime::Registry* registry,
                                             datasync::DataSyncer* data)
    : local_(local),
      replications_(replications),
      remote_clusters_(remote_clusters),
      connections_(connections),
      events_(events),
      clock_(clock),
      data_(data) {
  if (registry != nullptr) {
    sync_seconds_ =
        &registry->AddHistogram("drs_replication_sync_duration_seconds",
                                "Duration of one sync of a Replication.", {"replication"});
    objects_ =
        &registry->AddCounter("drs_replication_objects_total",
                              "Objects handled by syncs, by outcome.", {"replication", "outcome"});
    last_success_ = &registry->AddGauge(
        "drs_replication_last_success_timestamp_seconds",
        "Unix time of the last sync with every object in step: now minus this is the RPO.",
        {"replication"});
  }
}

void ReplicationReconciler::MarkSourceChanged(const std::string& key,
                                              const SourceWatches::Change& change) {
  std::lock_guard lock(mu_);
  auto& pending = pending_[key];
  if (change.deleted || pending.objects.size() >= kMaxTargetedChanges) {
    pending.full = true;
    pending.objects.clear();
  }
  if (!pending.full) pending.objects.insert(change.object);
}

sync::SyncMemo* ReplicationReconciler::MemoFor(const api::Replication& r, const std::string& from,
                                               const std::string& to) {
  std::lock_guard lock(mu_);
  auto& memos = memos_[r.metadata.ns + "/" + r.metadata.name];
  if (memos.generation != r.metadata.generation) {
    memos.by_pair.clear();  // new options: what was verified no longer holds
    memos.generation = r.metadata.generation;
  }
  auto& memo = memos.by_pair[{from, to}];
  if (!memo) memo = std::make_unique<sync::SyncMemo>();
  return memo.get();
}

Clock::Duration ReplicationReconciler::DebounceFor(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = debounce_.find(key);
  return it == debounce_.end() ? std::chrono::duration_cast<Clock::Duration>(api::kDefaultDebounce)
                               : it->second;
}

Result<ReplicationReconciler::Handles> ReplicationReconciler::Resolve(const std::string& ns,
                                                                      const std::string& cluster) {
  Handles h;
  if (cluster.empty()) {
    h.client = &local_.client;
    h.discovery = &local_.discovery;
    return h;
  }
  const std::string key = ns + "/" + cluster;
  auto object = remote_clusters_.Get(key);
  if (!object) {
    return FailedPreconditionError("RemoteCluster " + key + " does not exist")
        .WithReason("RemoteClusterNotFound");
  }
  auto rc = api::RemoteClusterFromJson(*object);
  if (!rc.ok()) return std::move(rc).error();
  if (!api::IsConditionTrue(rc->status.conditions, api::kConditionReady)) {
    const auto* ready = api::FindCondition(rc->status.conditions, api::kConditionReady);
    return FailedPreconditionError("RemoteCluster " + key + " is not Ready" +
                                   (ready ? ": " + ready->message : std::string()))
        .WithReason("RemoteClusterNotReady");
  }
  h.keep_alive = connections_.Get(key);
  if (!h.keep_alive) {
    return FailedPreconditionError("RemoteCluster " + key + " has no connection yet")
        .WithReason("RemoteClusterNotReady");
  }
  h.client = &h.keep_alive->dynamic();
  h.discovery = &h.keep_alive->discovery();
  h.remote = std::move(rc).value();
  return h;
}

Result<ReplicationReconciler::NamespacePairs> ReplicationReconciler::PairsFor(
    const api::Replication& r, Handles& source, std::stop_token stop) {
  NamespacePairs pairs;
  if (!r.spec.namespace_selector) {
    pairs.emplace_back(r.spec.source_namespace, r.spec.destination_namespace);
    return pairs;
  }
  auto listed = source.client->ListAll(
      kNamespaces, "", {.label_selector = r.spec.namespace_selector->ToString()}, stop);
  if (!listed.ok()) return std::move(listed).error().WithContext("listing source namespaces");
  for (const auto& ns : listed->items) {
    auto dest = api::DestinationNamespaceFor(r.spec, kube::Name(ns));
    if (dest.ok()) pairs.emplace_back(kube::Name(ns), *dest);
  }
  return pairs;
}

SyncAttempt ReplicationReconciler::RunSync(const api::Replication& r, Handles& source,
                                           Handles& destination, std::stop_token stop) {
  SyncAttempt a;
  a.started = clock_.WallNow();
  const auto types = api::EffectiveResourceTypes(r.spec, source.spec(), destination.spec());
  auto pairs = PairsFor(r, source, stop);
  if (!pairs.ok()) {
    a.error = std::move(pairs).error();
    a.failed_side = "source";
    a.finished = clock_.WallNow();
    return a;
  }
  sync::SyncReport total;
  for (const auto& [from, to] : *pairs) {
    auto spec = BuildSyncSpec(r, from, to, types);
    spec.memo = MemoFor(r, from, to);
    auto report = sync::SyncNamespace({*source.client, *source.discovery},
                                      {*destination.client, *destination.discovery}, spec, stop);
    if (!report.ok()) {
      const std::string text = report.error().ToString();
      a.failed_side = text.find("listing the source") != std::string::npos        ? "source"
                      : text.find("listing the destination") != std::string::npos ? "destination"
                      : report.error().code() == ErrorCode::kUnavailable          ? "destination"
                                                                                  : "";
      a.error = std::move(report).error().WithContext("syncing " + from + " to " + to);
      a.finished = clock_.WallNow();
      return a;
    }
    total.total += report->total;
    total.created += report->created;
    total.updated += report->updated;
    total.unchanged += report->unchanged;
    total.deleted += report->deleted;
    total.skipped += report->skipped;
    total.writes += report->writes;
    for (auto& f : report->failures) total.Fail(f.kind, to + "/" + f.name, f.reason);
    total.failed =
        total.failed - static_cast<std::int64_t>(report->failures.size()) + report->failed;
    for (auto& s : report->scales) total.scales.push_back(s);
    if (report->prune_blocked) total.prune_blocked = *report->prune_blocked;
  }
  a.report = std::move(total);
  a.finished = clock_.WallNow();
  return a;
}

Result<runtime::ReconcileResult> ReplicationReconciler::Reconcile(const std::string& key,
                                                                  std::stop_token stop) {
  const runtime::ObjectPtr object = replications_.Get(key);
  if (!object) {
    if (watches_ != nullptr) watches_->Stop(key);
    std::lock_guard lock(mu_);
    pending_.erase(key);
    memos_.erase(key);
    superseded_.erase(key);
    return runtime::ReconcileResult{};
  }
  {
    // Our last status write replaced this very version: the cache has not
    // caught up yet, and deciding from it would repeat the sync we just did.
    std::lock_guard lock(mu_);
    auto it = superseded_.find(key);
    if (it != superseded_.end()) {
      if (it->second == kube::ResourceVersion(*object)) {
        return runtime::ReconcileResult{.requeue_after = std::chrono::milliseconds(100)};
      }
      superseded_.erase(it);
    }
  }
  auto decoded = api::ReplicationFromJson(*object);
  if (!decoded.ok()) {
    events_.Event(*object, runtime::EventType::kWarning, "InvalidSpec", decoded.error().message());
    return std::move(decoded).error().MarkTerminal();
  }
  const api::Replication& r = *decoded;
  const auto now = clock_.WallNow();
  const auto blocked = [&](api::ReplicationPhase phase, std::string reason,
                           std::string message) -> Result<runtime::ReconcileResult> {
    auto status = PlanBlockedStatus(r, phase, reason, message, now);
    if (!(status == r.status)) {
      DRS_RETURN_IF_ERROR(WriteStatus(*object, status, stop));
      events_.Event(*object, runtime::EventType::kWarning, reason, message);
    }
    return runtime::ReconcileResult{};
  };
  if (auto valid = api::Validate(r.spec); !valid.ok()) {
    return blocked(api::ReplicationPhase::kFailed, "InvalidSpec", valid.error().message());
  }
  const bool watch = r.spec.replication_mode == api::ReplicationMode::kContinuous && !r.spec.paused;
  if (!watch && watches_ != nullptr) watches_->Stop(key);
  if (r.spec.paused) {
    auto status = PlanBlockedStatus(r, api::ReplicationPhase::kPaused, "Paused",
                                    "paused: no sync runs until spec.paused is false", now);
    if (!(status == r.status)) DRS_RETURN_IF_ERROR(WriteStatus(*object, status, stop));
    return runtime::ReconcileResult{};
  }
  auto source = Resolve(r.metadata.ns, r.spec.source_cluster);
  auto destination = Resolve(r.metadata.ns, r.spec.destination_cluster);
  for (auto* side : {&source, &destination}) {
    if (!side->ok()) {
      // Wait for the RemoteCluster; its Ready transition does not reach us,
      // so look again soon.
      auto result =
          blocked(api::ReplicationPhase::kPending,
                  side->error().reason().empty() ? "ClusterUnavailable" : side->error().reason(),
                  side->error().message());
      if (!result.ok()) return result;
      return runtime::ReconcileResult{.requeue_after = std::chrono::seconds(5)};
    }
  }
  if (watch && watches_ != nullptr) EnsureWatches(key, r, *source, *destination, stop);
  PendingChanges pending;
  bool changed = false;
  {
    std::lock_guard lock(mu_);
    if (auto it = pending_.find(key); it != pending_.end()) {
      pending = std::move(it->second);
      pending_.erase(it);
      changed = true;
    }
  }
  const std::string schedule = api::EffectiveSchedule(r.spec, source->spec(), destination->spec());
  auto decision = DecideSync(r, schedule, now, changed);
  if (!decision.sync_now) {
    api::ReplicationStatus status = r.status;
    const auto wake = RunDataSync(*object, r, status, *source, *destination, stop);
    if (!(status == r.status)) DRS_RETURN_IF_ERROR(WriteStatus(*object, status, stop));
    auto next = decision.next_sync;
    if (wake && (!next || *wake < *next)) next = wake;
    if (!next) return runtime::ReconcileResult{};
    return runtime::ReconcileResult{
        .requeue_after = std::chrono::duration_cast<Clock::Duration>(
            std::max(*next - now, Clock::WallTime::duration(std::chrono::milliseconds(100))))};
  }
  std::optional<SyncAttempt> targeted;
  if (decision.source_change_only && !pending.full && !pending.objects.empty()) {
    targeted = RunTargetedSync(r, *source, *destination, pending.objects, stop);
  }
  if (targeted) {
    if (targeted->error && targeted->error->code() == ErrorCode::kCancelled) {
      return *targeted->error;
    }
    targeted->next_sync = r.status.next_sync_time;
    RecordTargeted(key, *targeted, r.status.phase == api::ReplicationPhase::kSynced);
    DRS_RETURN_IF_ERROR(WriteStatus(*object, PlanTargetedStatus(r, *targeted), stop));
    if (!targeted->next_sync) return runtime::ReconcileResult{};
    return runtime::ReconcileResult{
        .requeue_after = std::chrono::duration_cast<Clock::Duration>(
            std::max(*targeted->next_sync - clock_.WallNow(),
                     Clock::WallTime::duration(std::chrono::milliseconds(100))))};
  }
  GetLogger("replication")
      ->info(Fields("sync starting", {{"replication", key}, {"why", decision.why}}));
  SyncAttempt attempt = RunSync(r, *source, *destination, stop);
  if (attempt.error && attempt.error->code() == ErrorCode::kCancelled) return *attempt.error;
  attempt.trigger = decision.trigger;
  attempt.next_sync = decision.next_sync;
  if (r.spec.replication_mode == api::ReplicationMode::kContinuous) {
    attempt.next_sync = attempt.finished + std::chrono::duration_cast<Clock::WallTime::duration>(
                                               r.spec.continuous.background_sync_interval);
  } else if (r.spec.replication_mode == api::ReplicationMode::kScheduled) {
    auto cron = api::CronSchedule::Parse(schedule);
    if (cron.ok()) attempt.next_sync = cron->Next(attempt.finished);
  }
  Record(key, *object, r, attempt);
  api::ReplicationStatus status = PlanSyncStatus(r, attempt);
  const auto wake = RunDataSync(*object, r, status, *source, *destination, stop);
  DRS_RETURN_IF_ERROR(WriteStatus(*object, status, stop));
  auto next = attempt.next_sync;
  if (wake && (!next || *wake < *next)) next = wake;
  if (!next) return runtime::ReconcileResult{};
  const auto wait = *next - clock_.WallNow();
  return runtime::ReconcileResult{
      .requeue_after = std::chrono::duration_cast<Clock::Duration>(
          std::max(wait, Clock::WallTime::duration(std::chrono::milliseconds(100))))};
}

void ReplicationReconciler::Record(const std::string& key, const nlohmann::json& object,
                                   const api::Replication& r, const SyncAttempt& a) {
  auto log = GetLogger("replication");
  if (sync_seconds_ != nullptr) {
    sync_seconds_->WithLabels({key}).Observe(Seconds(a.finished - a.started));
  }
  if (a.error) {
    log->warn(Fields("sync failed", {{"replication", key}, {"error", a.error->ToString()}}));
    events_.Event(object, runtime::EventType::kWarning, "SyncFailed", a.error->ToString());
    return;
  }
  const auto& rep = *a.report;
  if (objects_ != nullptr) {
    const std::pair<const char*, std::int64_t> outcomes[] = {
        {"created", rep.created}, {"updated", rep.updated}, {"unchanged", rep.unchanged},
        {"deleted", rep.deleted}, {"skipped", rep.skipped}, {"failed", rep.failed}};
    for (const auto& [name, n] : outcomes) {
      if (n > 0) objects_->WithLabels({key, name}).Inc(static_cast<double>(n));
    }
  }
  if (rep.failed == 0 && !rep.prune_blocked && last_success_ != nullptr) {
    last_success_->WithLabels({key}).Set(
        std::chrono::duration<double>(a.finished.time_since_epoch()).count());
  }
  log->info(
      Fields("sync finished", {{"replication", key},
                               {"created", std::to_string(rep.created)},
                               {"updated", std::to_string(rep.updated)},
                               {"unchanged", std::to_string(rep.unchanged)},
                               {"deleted", std::to_string(rep.deleted)},
                               {"failed", std::to_string(rep.failed)},
                               {"writes", std::to_string(rep.writes)},
                               {"seconds", std::to_string(Seconds(a.finished - a.started))}}));
  if (rep.prune_blocked) {
    events_.Event(object, runtime::EventType::kWarning, "PruneBlocked", *rep.prune_blocked);
  }
  if (!rep.failures.empty()) {
    const auto& f = rep.failures.front();
    events_.Event(object, runtime::EventType::kWarning, "ObjectsFailed",
                  std::to_string(rep.failed) + " objects failed; first: " + f.kind + " " + f.name +
                      ": " + f.reason);
  }
  (void)r;
}

std::optional<Clock::WallTime> ReplicationReconciler::RunDataSync(
    const nlohmann::json& object, const api::Replication& r, api::ReplicationStatus& status,
    Handles& source, Handles& destination, std::stop_token stop) {
  if (data_ == nullptr) return std::nullopt;
  return data_->Reconcile(r, status,
                          {.source = *source.client,
                           .destination = *destination.client,
                           .source_cluster = source.remote ? &*source.remote : nullptr,
                           .namespaces = {}},
                          events_, object, stop);
}

Status ReplicationReconciler::WriteStatus(const nlohmann::json& object,
                                          const api::ReplicationStatus& status,
                                          std::stop_token stop) {
  nlohmann::json updated = object;
  updated["status"] = api::ToJson(status);
  auto r =
      local_.client.UpdateStatus(api::kReplications, kube::Namespace(object), updated, {}, stop);
  if (!r.ok()) return std::move(r).error();
  std::lock_guard lock(mu_);
  superseded_[kube::Namespace(object) + "/" + kube::Name(object)] = kube::ResourceVersion(object);
  return OkStatus();
}

}  // namespace drs::controller
