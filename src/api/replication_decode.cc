// Replication: decoding from JSON (with the CRD's defaults) and the enum
// spellings. Encoding is in replication_encode.cc, rules in
// replication_validate.cc.
#include <utility>

#include "api/json_reader.h"
#include "api/replication.h"

namespace drs::api {

using nlohmann::json;

std::string_view ReplicationModeName(ReplicationMode mode) {
  switch (mode) {
    case ReplicationMode::kScheduled:
      return "Scheduled";
    case ReplicationMode::kContinuous:
      return "Continuous";
    case ReplicationMode::kManual:
      return "Manual";
  }
  return "Scheduled";
}

std::string_view ImmutableHandlingName(ImmutableHandling handling) {
  return handling == ImmutableHandling::kRecreate ? "Recreate" : "NoChange";
}

std::string_view VerificationModeName(VerificationMode mode) {
  switch (mode) {
    case VerificationMode::kNone:
      return "none";
    case VerificationMode::kSample:
      return "sample";
    case VerificationMode::kFull:
      return "full";
  }
  return "none";
}

std::string_view ReplicationPhaseName(ReplicationPhase phase) {
  switch (phase) {
    case ReplicationPhase::kPending:
      return "Pending";
    case ReplicationPhase::kSyncing:
      return "Syncing";
    case ReplicationPhase::kSynced:
      return "Synced";
    case ReplicationPhase::kDegraded:
      return "Degraded";
    case ReplicationPhase::kFailed:
      return "Failed";
    case ReplicationPhase::kPaused:
      return "Paused";
  }
  return "Pending";
}

std::string_view PvcSyncPhaseName(PvcSyncPhase phase) {
  switch (phase) {
    case PvcSyncPhase::kPending:
      return "Pending";
    case PvcSyncPhase::kSyncing:
      return "Syncing";
    case PvcSyncPhase::kSynced:
      return "Synced";
    case PvcSyncPhase::kFailed:
      return "Failed";
    case PvcSyncPhase::kSkipped:
      return "Skipped";
  }
  return "Pending";
}

namespace {

// Reads an enum spelled as one of `values` (by Name()), recording the
// allowed spellings when it is anything else.
template <typename E, std::size_t N>
void ReadEnum(ObjectReader& r, std::string_view key, const E (&values)[N],
              std::string_view (*name)(E), E& out) {
  std::string text;
  if (!r.String(key, text)) return;
  std::string allowed;
  for (E v : values) {
    if (name(v) == text) {
      out = v;
      return;
    }
    allowed += (allowed.empty() ? "" : ", ") + std::string(name(v));
  }
  r.errors().Add(r.PathOf(key), "unsupported value \"" + text + "\" (want one of " + allowed + ")");
}

constexpr ReplicationMode kModes[] = {ReplicationMode::kScheduled, ReplicationMode::kContinuous,
                                      ReplicationMode::kManual};
constexpr ImmutableHandling kHandlings[] = {ImmutableHandling::kNoChange,
                                            ImmutableHandling::kRecreate};
constexpr VerificationMode kVerifications[] = {VerificationMode::kNone, VerificationMode::kSample,
                                               VerificationMode::kFull};
constexpr ReplicationPhase kPhases[] = {ReplicationPhase::kPending, ReplicationPhase::kSyncing,
                                        ReplicationPhase::kSynced,  ReplicationPhase::kDegraded,
                                        ReplicationPhase::kFailed,  ReplicationPhase::kPaused};
constexpr PvcSyncPhase kPvcPhases[] = {PvcSyncPhase::kPending, PvcSyncPhase::kSyncing,
                                       PvcSyncPhase::kSynced, PvcSyncPhase::kFailed,
                                       PvcSyncPhase::kSkipped};

void ReadSelector(ObjectReader& r, std::string_view key, std::optional<kube::LabelSelector>& out) {
  const json* v = r.Get(key);
  if (v == nullptr) return;
  if (!v->is_object()) {
    r.errors().Add(r.PathOf(key), "must be an object");
    return;
  }
  auto selector = kube::LabelSelector::FromJson(*v);
  if (!selector.ok()) {
    r.errors().AddError(r.PathOf(key), selector.error());
    return;
  }
  out = std::move(selector).value();
}

void ReadMappings(ObjectReader& r, std::string_view key, std::vector<ValueMapping>& out) {
  std::vector<ValueMapping> mappings;
  r.Objects(key, [&](ObjectReader& item) {
    ValueMapping m;
    if (!item.String("from", m.from)) item.errors().AddRequired(item.PathOf("from"));
    if (!item.String("to", m.to)) item.errors().AddRequired(item.PathOf("to"));
    mappings.push_back(std::move(m));
  });
  out = std::move(mappings);
}

void ReadImmutable(ObjectReader r, ImmutableResourceConfig& out) {
  ReadEnum(r, "defaultHandling", kHandlings, ImmutableHandlingName, out.default_handling);
  std::map<std::string, std::string> overrides;
  if (!r.StringMap("resourceOverrides", overrides)) return;
  ObjectReader map_reader = r.Object("resourceOverrides");
  for (const auto& [resource, text] : overrides) {
    ImmutableHandling handling = ImmutableHandling::kNoChange;
    ReadEnum(map_reader, resource, kHandlings, ImmutableHandlingName, handling);
    out.resource_overrides[resource] = handling;
  }
}

void ReadPvcConfig(ObjectReader r, PvcConfig& out) {
  ReadMappings(r, "storageClassMappings", out.storage_class_mappings);
  ReadMappings(r, "accessModeMappings", out.access_mode_mappings);
  r.Bool("preserveVolumeAttributes", out.preserve_volume_attributes);
  r.Bool("syncPersistentVolumes", out.sync_persistent_volumes);
  r.Bool("syncData", out.sync_data);
  ObjectReader d = r.Object("dataSyncConfig");
  DataSyncConfig& c = out.data_sync_config;
  d.Int32("concurrentSyncs", c.concurrent_syncs);
  d.Int32("bandwidthLimit", c.bandwidth_limit);
  d.StringList("excludePaths", c.exclude_paths);
  d.StringList("rsyncOptions", c.rsync_options);
  ReadEnum(d, "verificationMode", kVerifications, VerificationModeName, c.verification_mode);
  d.Int32("samplePercent", c.sample_percent);
  d.GoDuration("timeout", c.timeout);
  d.Bool("mountUnattachedVolumes", c.mount_unattached_volumes);
  d.Bool("skipUnchanged", c.skip_unchanged);
}

void ReadSpec(ObjectReader& r, ReplicationSpec& out) {
  r.String("sourceCluster", out.source_cluster);
  r.String("destinationCluster", out.destination_cluster);
  r.String("sourceNamespace", out.source_namespace);
  if (!r.String("destinationNamespace", out.destination_namespace)) {
    out.destination_namespace = out.source_namespace;
  }
  ReadSelector(r, "namespaceSelector", out.namespace_selector);
  r.String("destinationNamespacePattern", out.destination_namespace_pattern);
  ReadEnum(r, "replicationMode", kModes, ReplicationModeName, out.replication_mode);
  r.String("schedule", out.schedule);
  ObjectReader continuous = r.Object("continuous");
  continuous.GoDuration("backgroundSyncInterval", out.continuous.background_sync_interval);
  continuous.GoDuration("debounce", out.continuous.debounce);
  r.Bool("paused", out.paused);
  r.StringList("resourceTypes", out.resource_types);
  r.StringList("excludeResourceTypes", out.exclude_resource_types);
  ReadSelector(r, "labelSelector", out.label_selector);
  r.Objects("exclude", [&](ObjectReader& item) {
    ExcludeRule rule;
    if (!item.String("kind", rule.kind)) item.errors().AddRequired(item.PathOf("kind"));
    if (!item.String("namePattern", rule.name_pattern)) {
      item.errors().AddRequired(item.PathOf("namePattern"));
    }
    out.exclude.push_back(std::move(rule));
  });
  r.StringList("namespaceScopedResources", out.namespace_scoped_resources);
  r.Bool("scaleToZero", out.scale_to_zero);
  ReadImmutable(r.Object("immutableResourceConfig"), out.immutable_resource_config);
  r.Bool("syncCRDs", out.sync_crds);
  ObjectReader ns = r.Object("namespaceConfig");
  ns.Bool("createNamespace", out.namespace_config.create_namespace);
  ns.Bool("preserveLabels", out.namespace_config.preserve_labels);
  ns.Bool("preserveAnnotations", out.namespace_config.preserve_annotations);
  ObjectReader service = r.Object("serviceConfig");
  service.Bool("preserveNodePorts", out.service_config.preserve_node_ports);
  service.Bool("preserveLoadBalancerIP", out.service_config.preserve_load_balancer_ip);
  ObjectReader ingress = r.Object("ingressConfig");
  ingress.Bool("preserveAnnotations", out.ingress_config.preserve_annotations);
  ingress.Bool("preserveTLS", out.ingress_config.preserve_tls);
  ingress.Bool("preserveBackends", out.ingress_config.preserve_backends);
  ReadPvcConfig(r.Object("pvcConfig"), out.pvc_config);
  ObjectReader retry = r.Object("retryConfig");
  retry.Int32("maxRetries", out.retry_config.max_retries);
  retry.GoDuration("initialBackoff", out.retry_config.initial_backoff);
  retry.GoDuration("maxBackoff", out.retry_config.max_backoff);
  retry.Int32("backoffMultiplier", out.retry_config.backoff_multiplier);
  ObjectReader prune = r.Object("prune");
  prune.Bool("enabled", out.prune.enabled);
  prune.Int32("maxDeletePercent", out.prune.max_delete_percent);
}

void ReadStatus(ObjectReader& r, ReplicationStatus& out) {
  if (r.Has("phase")) {
    ReplicationPhase phase = ReplicationPhase::kPending;
    ReadEnum(r, "phase", kPhases, ReplicationPhaseName, phase);
    out.phase = phase;
  }
  r.Int64("observedGeneration", out.observed_generation);
  ReadConditions(r, "conditions", out.conditions);
  r.String("source", out.source);
  r.String("destination", out.destination);
  r.Time("lastSyncTime", out.last_sync_time);
  r.Time("lastSuccessfulSyncTime", out.last_successful_sync_time);
  r.Time("nextSyncTime", out.next_sync_time);
  Duration d{};
  if (r.GoDuration("lastSyncDuration", d)) out.last_sync_duration = d;
  r.String("lastHandledTrigger", out.last_handled_trigger);
  ObjectReader counts = r.Object("counts");
  if (counts.present()) {
    SyncCounts c;
    counts.Int64("total", c.total);
    counts.Int64("created", c.created);
    counts.Int64("updated", c.updated);
    counts.Int64("unchanged", c.unchanged);
    counts.Int64("deleted", c.deleted);
    counts.Int64("skipped", c.skipped);
    counts.Int64("failed", c.failed);
    out.counts = c;
  }
  r.Objects("failures", [&](ObjectReader& item) {
    ObjectFailure f;
    item.String("kind", f.kind);
    item.String("namespace", f.ns);
    item.String("name", f.name);
    item.String("reason", f.reason);
    out.failures.push_back(std::move(f));
  });
  r.Objects("rememberedScales", [&](ObjectReader& item) {
    RememberedScale s;
    item.String("kind", s.kind);
    item.String("namespace", s.ns);
    item.String("name", s.name);
    item.Int32("replicas", s.replicas);
    out.remembered_scales.push_back(std::move(s));
  });
  r.Objects("pvcs", [&](ObjectReader& item) {
    PvcStatus p;
    item.String("namespace", p.ns);
    item.String("name", p.name);
    ReadEnum(item, "phase", kPvcPhases, PvcSyncPhaseName, p.phase);
    item.Time("lastSyncTime", p.last_sync_time);
    item.Int64("bytes", p.bytes);
    item.Int64("files", p.files);
    Duration pd{};
    if (item.GoDuration("duration", pd)) p.duration = pd;
    item.String("message", p.message);
    item.String("sourceDigest", p.source_digest);
    item.String("destinationDigest", p.destination_digest);
    out.pvcs.push_back(std::move(p));
  });
  r.String("message", out.message);
}

}  // namespace

Result<Replication> ReplicationFromJson(const json& object) {
  if (!object.is_object()) return InvalidError("a Replication must be a JSON object");
  FieldErrors errors;
  ObjectReader r(&object, "", &errors);
  Replication out;
  ReadObjectMeta(r, out.metadata);
  if (!r.Has("spec")) errors.AddRequired("spec");
  ObjectReader spec = r.Object("spec");
  ReadSpec(spec, out.spec);
  ObjectReader status = r.Object("status");
  ReadStatus(status, out.status);
  DRS_RETURN_IF_ERROR(errors.ToStatus());
  return out;
}

Result<ReplicationSpec> ReplicationSpecFromJson(const json& spec) {
  FieldErrors errors;
  ObjectReader r(&spec, "spec", &errors);
  ReplicationSpec out;
  ReadSpec(r, out);
  DRS_RETURN_IF_ERROR(errors.ToStatus());
  return out;
}

Result<ReplicationStatus> ReplicationStatusFromJson(const json& status) {
  FieldErrors errors;
  ObjectReader r(&status, "status", &errors);
  ReplicationStatus out;
  ReadStatus(r, out);
  DRS_RETURN_IF_ERROR(errors.ToStatus());
  return out;
}

}  // namespace drs::api
