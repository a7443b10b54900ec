// Replication: encoding to JSON, and the helpers that resolve defaults the
// CRD cannot state.
#include <algorithm>
#include <utility>

#include "api/replication.h"
#include "api/validation.h"
#include "base/rfc3339.h"

namespace drs::api {

using nlohmann::json;
using Operator = kube::LabelSelector::Operator;

json LabelSelectorToJson(const kube::LabelSelector& selector) {
  json match_labels = json::object();
  json expressions = json::array();
  for (const auto& r : selector.requirements()) {
    if (r.op == Operator::kEquals && !match_labels.contains(r.key)) {
      match_labels[r.key] = r.values.front();
      continue;
    }
    // metav1 has no NotEquals: "a!=b" is "a notin (b)". A second equality
    // on one key cannot be a second matchLabels entry: it becomes In.
    std::string_view op = kube::OperatorName(r.op);
    if (r.op == Operator::kEquals) op = "In";
    if (r.op == Operator::kNotEquals) op = "NotIn";
    json e = {{"key", r.key}, {"operator", op}};
    if (!r.values.empty()) e["values"] = r.values;
    expressions.push_back(std::move(e));
  }
  json out = json::object();
  if (!match_labels.empty()) out["matchLabels"] = std::move(match_labels);
  if (!expressions.empty()) out["matchExpressions"] = std::move(expressions);
  return out;
}

namespace {

json MappingsToJson(const std::vector<ValueMapping>& mappings) {
  json out = json::array();
  for (const ValueMapping& m : mappings) out.push_back({{"from", m.from}, {"to", m.to}});
  return out;
}

json PvcConfigToJson(const PvcConfig& p) {
  const DataSyncConfig& d = p.data_sync_config;
  json data = {{"concurrentSyncs", d.concurrent_syncs},
               {"verificationMode", VerificationModeName(d.verification_mode)},
               {"samplePercent", d.sample_percent},
               {"timeout", FormatDurationShort(d.timeout)},
               {"mountUnattachedVolumes", d.mount_unattached_volumes},
               {"skipUnchanged", d.skip_unchanged}};
  if (d.bandwidth_limit != 0) data["bandwidthLimit"] = d.bandwidth_limit;
  if (!d.exclude_paths.empty()) data["excludePaths"] = d.exclude_paths;
  if (!d.rsync_options.empty()) data["rsyncOptions"] = d.rsync_options;
  json out = {{"preserveVolumeAttributes", p.preserve_volume_attributes},
              {"syncPersistentVolumes", p.sync_persistent_volumes},
              {"syncData", p.sync_data},
              {"dataSyncConfig", std::move(data)}};
  if (!p.storage_class_mappings.empty()) {
    out["storageClassMappings"] = MappingsToJson(p.storage_class_mappings);
  }
  if (!p.access_mode_mappings.empty()) {
    out["accessModeMappings"] = MappingsToJson(p.access_mode_mappings);
  }
  return out;
}

void PutTime(json& out, std::string_view key, const std::optional<Clock::WallTime>& t) {
  if (t) out[std::string(key)] = FormatRfc3339(*t);
}

}  // namespace

json ToJson(const ReplicationSpec& s) {
  json out = json::object();
  if (!s.source_cluster.empty()) out["sourceCluster"] = s.source_cluster;
  if (!s.destination_cluster.empty()) out["destinationCluster"] = s.destination_cluster;
  if (!s.source_namespace.empty()) {
    out["sourceNamespace"] = s.source_namespace;
    out["destinationNamespace"] = s.destination_namespace;
  }
  if (s.namespace_selector) {
    out["namespaceSelector"] = LabelSelectorToJson(*s.namespace_selector);
    if (!s.destination_namespace_pattern.empty()) {
      out["destinationNamespacePattern"] = s.destination_namespace_pattern;
    }
  }
  out["replicationMode"] = ReplicationModeName(s.replication_mode);
  if (!s.schedule.empty()) out["schedule"] = s.schedule;
  out["continuous"] = {
      {"backgroundSyncInterval", FormatDurationShort(s.continuous.background_sync_interval)},
      {"debounce", FormatDurationShort(s.continuous.debounce)}};
  out["paused"] = s.paused;
  if (!s.resource_types.empty()) out["resourceTypes"] = s.resource_types;
  if (!s.exclude_resource_types.empty()) out["excludeResourceTypes"] = s.exclude_resource_types;
  if (s.label_selector) out["labelSelector"] = LabelSelectorToJson(*s.label_selector);
  if (!s.exclude.empty()) {
    json rules = json::array();
    for (const ExcludeRule& e : s.exclude) {
      rules.push_back({{"kind", e.kind}, {"namePattern", e.name_pattern}});
    }
    out["exclude"] = std::move(rules);
  }
  if (!s.namespace_scoped_resources.empty()) {
    out["namespaceScopedResources"] = s.namespace_scoped_resources;
  }
  out["scaleToZero"] = s.scale_to_zero;
  json immutable = {
      {"defaultHandling", ImmutableHandlingName(s.immutable_resource_config.default_handling)}};
  if (!s.immutable_resource_config.resource_overrides.empty()) {
    json overrides = json::object();
    for (const auto& [resource, handling] : s.immutable_resource_config.resource_overrides) {
      overrides[resource] = ImmutableHandlingName(handling);
    }
    immutable["resourceOverrides"] = std::move(overrides);
  }
  out["immutableResourceConfig"] = std::move(immutable);
  out["syncCRDs"] = s.sync_crds;
  out["namespaceConfig"] = {{"createNamespace", s.namespace_config.create_namespace},
                            {"preserveLabels", s.namespace_config.preserve_labels},
                            {"preserveAnnotations", s.namespace_config.preserve_annotations}};
  out["serviceConfig"] = {{"preserveNodePorts", s.service_config.preserve_node_ports},
                          {"preserveLoadBalancerIP", s.service_config.preserve_load_balancer_ip}};
  out["ingressConfig"] = {{"preserveAnnotations", s.ingress_config.preserve_annotations},
                          {"preserveTLS", s.ingress_config.preserve_tls},
                          {"preserveBackends", s.ingress_config.preserve_backends}};
  out["pvcConfig"] = PvcConfigToJson(s.pvc_config);
  out["retryConfig"] = {{"maxRetries", s.retry_config.max_retries},
                        {"initialBackoff", FormatDurationShort(s.retry_config.initial_backoff)},
                        {"maxBackoff", FormatDurationShort(s.retry_config.max_backoff)},
                        {"backoffMultiplier", s.retry_config.backoff_multiplier}};
  out["prune"] = {{"enabled", s.prune.enabled}, {"maxDeletePercent", s.prune.max_delete_percent}};
  return out;
}

json ToJson(const ReplicationStatus& s) {
  json out = json::object();
  if (s.phase) out["phase"] = ReplicationPhaseName(*s.phase);
  if (s.observed_generation != 0) out["observedGeneration"] = s.observed_generation;
  if (!s.conditions.empty()) out["conditions"] = ConditionsToJson(s.conditions);
  if (!s.source.empty()) out["source"] = s.source;
  if (!s.destination.empty()) out["destination"] = s.destination;
  PutTime(out, "lastSyncTime", s.last_sync_time);
  PutTime(out, "lastSuccessfulSyncTime", s.last_successful_sync_time);
  PutTime(out, "nextSyncTime", s.next_sync_time);
  if (s.last_sync_duration) out["lastSyncDuration"] = FormatDurationShort(*s.last_sync_duration);
  if (!s.last_handled_trigger.empty()) out["lastHandledTrigger"] = s.last_handled_trigger;
  if (s.counts) {
    out["counts"] = {{"total", s.counts->total},     {"created", s.counts->created},
                     {"updated", s.counts->updated}, {"unchanged", s.counts->unchanged},
                     {"deleted", s.counts->deleted}, {"skipped", s.counts->skipped},
                     {"failed", s.counts->failed}};
  }
  if (!s.failures.empty()) {
    json failures = json::array();
    const std::size_t n = std::min(s.failures.size(), kMaxReportedFailures);
    for (std::size_t i = 0; i < n; ++i) {
      const ObjectFailure& f = s.failures[i];
      json item = {{"kind", f.kind}, {"name", f.name}, {"reason", f.reason}};
      if (!f.ns.empty()) item["namespace"] = f.ns;
      failures.push_back(std::move(item));
    }
    out["failures"] = std::move(failures);
  }
  if (!s.remembered_scales.empty()) {
    json scales = json::array();
    for (const RememberedScale& r : s.remembered_scales) {
      json item = {{"kind", r.kind}, {"name", r.name}, {"replicas", r.replicas}};
      if (!r.ns.empty()) item["namespace"] = r.ns;
      scales.push_back(std::move(item));
    }
    out["rememberedScales"] = std::move(scales);
  }
  if (!s.pvcs.empty()) {
    json pvcs = json::array();
    for (const PvcStatus& p : s.pvcs) {
      json item = {{"name", p.name}, {"phase", PvcSyncPhaseName(p.phase)}};
      if (!p.ns.empty()) item["namespace"] = p.ns;
      PutTime(item, "lastSyncTime", p.last_sync_time);
      if (p.bytes != 0) item["bytes"] = p.bytes;
      if (p.files != 0) item["files"] = p.files;
      if (p.duration) item["duration"] = FormatDurationShort(*p.duration);
      if (!p.message.empty()) item["message"] = p.message;
      if (!p.source_digest.empty()) item["sourceDigest"] = p.source_digest;
      if (!p.destination_digest.empty()) item["destinationDigest"] = p.destination_digest;
      pvcs.push_back(std::move(item));
    }
    out["pvcs"] = std::move(pvcs);
  }
  if (!s.message.empty()) out["message"] = s.message;
  return out;
}

std::string EffectiveSchedule(const ReplicationSpec& spec, const RemoteClusterSpec* source,
                              const RemoteClusterSpec* destination) {
  if (!spec.schedule.empty()) return spec.schedule;
  if (source != nullptr && !source->default_schedule.empty()) return source->default_schedule;
  if (destination != nullptr && !destination->default_schedule.empty()) {
    return destination->default_schedule;
  }
  return std::string(kDefaultSchedule);
}

std::vector<std::string> EffectiveResourceTypes(const ReplicationSpec& spec,
                                                const RemoteClusterSpec* source,
                                                const RemoteClusterSpec* destination) {
  if (!spec.resource_types.empty()) return spec.resource_types;
  if (source != nullptr && !source->default_resource_types.empty()) {
    return source->default_resource_types;
  }
  if (destination != nullptr && !destination->default_resource_types.empty()) {
    return destination->default_resource_types;
  }
  return {"*"};
}

Result<std::string> DestinationNamespaceFor(const ReplicationSpec& spec,
                                            std::string_view source_namespace) {
  std::string out;
  if (!spec.namespace_selector) {
    out = spec.destination_namespace.empty() ? std::string(source_namespace)
                                             : spec.destination_namespace;
  } else {
    const std::string pattern = spec.destination_namespace_pattern.empty()
                                    ? std::string(kNamespacePlaceholder)
                                    : spec.destination_namespace_pattern;
    for (std::size_t i = 0; i < pattern.size();) {
      if (std::string_view(pattern).substr(i).starts_with(kNamespacePlaceholder)) {
        out += source_namespace;
        i += kNamespacePlaceholder.size();
      } else {
        out += pattern[i++];
      }
    }
  }
  if (!IsDnsLabel(out)) {
    return InvalidError("destination namespace \"" + out + "\" for source namespace \"" +
                        std::string(source_namespace) +
                        "\" is not a namespace name (lowercase RFC 1123 label, at most 63 "
                        "characters)");
  }
  return out;
}

std::string DescribeSource(const ReplicationSpec& spec) {
  const std::string cluster = spec.source_cluster.empty() ? "(local)" : spec.source_cluster;
  if (spec.namespace_selector) return cluster + "/{" + spec.namespace_selector->ToString() + "}";
  return cluster + "/" + spec.source_namespace;
}

std::string DescribeDestination(const ReplicationSpec& spec) {
  const std::string cluster =
      spec.destination_cluster.empty() ? "(local)" : spec.destination_cluster;
  if (spec.namespace_selector) {
    return cluster + "/" +
           (spec.destination_namespace_pattern.empty() ? std::string(kNamespacePlaceholder)
                                                       : spec.destination_namespace_pattern);
  }
  return cluster + "/" + spec.destination_namespace;
}

}  // namespace drs::api
