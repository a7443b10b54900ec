// Replication: the CRD's rules (deploy/crds/dr-syncer.io_replications.yaml)
// restated in C++, with the same field paths in the errors.
#include <set>

#include "api/replication.h"
#include "api/rsync_options.h"
#include "api/validation.h"

namespace drs::api {
namespace {

// maxItems/maxProperties of the CRD's lists and maps. They bound the cost
// of its CEL rules as much as they bound the objects.
constexpr std::size_t kMaxResourceTypes = 256;
constexpr std::size_t kMaxExcludeRules = 64;
constexpr std::size_t kMaxOverrides = 64;
constexpr std::size_t kMaxStorageClassMappings = 64;
constexpr std::size_t kMaxAccessModeMappings = 16;
constexpr std::size_t kMaxExcludePaths = 64;
constexpr std::size_t kMaxRsyncOptions = 32;
constexpr std::size_t kMaxExcludePathLength = 1024;
constexpr std::size_t kMaxNamePatternLength = 253;
constexpr std::int32_t kMaxRetries = 1000;
constexpr std::int32_t kMinBackoffMultiplier = 100;
constexpr std::int32_t kMaxBackoffMultiplier = 1000;
constexpr std::int32_t kMaxPercent = 100;

constexpr std::string_view kAccessModes[] = {"ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany",
                                             "ReadWriteOncePod"};

void CheckMaxItems(FieldErrors& errors, const std::string& path, std::size_t size,
                   std::size_t max) {
  if (size > max) {
    errors.Add(path,
               "must have at most " + std::to_string(max) + " items, has " + std::to_string(size));
  }
}

void CheckResourceTypes(FieldErrors& errors, const std::string& path,
                        const std::vector<std::string>& types, bool allow_star) {
  CheckMaxItems(errors, path, types.size(), kMaxResourceTypes);
  for (std::size_t i = 0; i < types.size(); ++i) {
    CheckResourceType(errors, IndexPath(path, i), types[i], allow_star);
  }
}

void CheckRange(FieldErrors& errors, const std::string& path, std::int64_t value, std::int64_t min,
                std::int64_t max) {
  if (value < min || value > max) {
    errors.Add(path, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                         ", not " + std::to_string(value));
  }
}

// Object names and globs over them: [A-Za-z0-9._:*?-], as names of some
// kinds (RBAC) may hold ':' and upper case.
void CheckNamePattern(FieldErrors& errors, const std::string& path, std::string_view pattern) {
  bool ok = !pattern.empty() && pattern.size() <= kMaxNamePatternLength;
  for (char c : pattern) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == ':' || c == '*' || c == '?' || c == '-');
  }
  if (!ok) {
    errors.Add(path, "\"" + std::string(pattern) +
                         "\" must be a name glob of [A-Za-z0-9._:-] with * and ? wildcards");
  }
}

void CheckNamespaceFields(FieldErrors& errors, const ReplicationSpec& s) {
  if (!s.source_cluster.empty()) CheckDnsSubdomain(errors, "spec.sourceCluster", s.source_cluster);
  if (!s.destination_cluster.empty()) {
    CheckDnsSubdomain(errors, "spec.destinationCluster", s.destination_cluster);
  }
  const bool single = !s.source_namespace.empty();
  const bool selector = s.namespace_selector.has_value();
  if (single == selector) {
    errors.Add("spec",
               "exactly one of spec.sourceNamespace and spec.namespaceSelector must be set");
  }
  if (single) {
    CheckDnsLabel(errors, "spec.sourceNamespace", s.source_namespace);
    CheckDnsLabel(errors, "spec.destinationNamespace", s.destination_namespace);
  } else if (!s.destination_namespace.empty()) {
    errors.Add("spec.destinationNamespace",
               "only with spec.sourceNamespace; with spec.namespaceSelector use "
               "spec.destinationNamespacePattern");
  }
  if (!s.destination_namespace_pattern.empty()) {
    if (!selector) {
      errors.Add("spec.destinationNamespacePattern", "only with spec.namespaceSelector");
    }
    std::string probe = s.destination_namespace_pattern;
    bool placeholder = false;
    for (std::size_t at; (at = probe.find(kNamespacePlaceholder)) != std::string::npos;) {
      probe.replace(at, kNamespacePlaceholder.size(), "x");
      placeholder = true;
    }
    if (!placeholder || s.destination_namespace_pattern.size() > 63 || !IsDnsLabel(probe)) {
      errors.Add("spec.destinationNamespacePattern",
                 "must contain {namespace} and otherwise only lowercase letters, digits and "
                 "'-' (e.g. dr-{namespace}), at most 63 characters");
    }
  }
  if (selector && s.namespace_selector->Empty()) {
    errors.Add("spec.namespaceSelector",
               "must select by at least one label (an empty selector would pick every "
               "namespace, kube-system included)");
  }
  // Copying a namespace onto itself would fight its own source.
  if (s.source_cluster == s.destination_cluster) {
    const bool same = single ? s.destination_namespace == s.source_namespace
                             : (s.destination_namespace_pattern.empty() ||
                                s.destination_namespace_pattern == kNamespacePlaceholder);
    if (same && (single || selector)) {
      errors.Add("spec",
                 "source and destination are the same cluster, so the destination "
                 "namespace must differ from the source namespace");
    }
  }
}

void CheckPvcConfig(FieldErrors& errors, const PvcConfig& p) {
  const std::string base = "spec.pvcConfig";
  CheckMaxItems(errors, base + ".storageClassMappings", p.storage_class_mappings.size(),
                kMaxStorageClassMappings);
  std::set<std::string> froms;
  for (std::size_t i = 0; i < p.storage_class_mappings.size(); ++i) {
    const ValueMapping& m = p.storage_class_mappings[i];
    const std::string path = IndexPath(base + ".storageClassMappings", i);
    CheckDnsSubdomain(errors, path + ".from", m.from);
    CheckDnsSubdomain(errors, path + ".to", m.to);
    if (!froms.insert(m.from).second) errors.Add(path, "duplicate from \"" + m.from + "\"");
  }
  CheckMaxItems(errors, base + ".accessModeMappings", p.access_mode_mappings.size(),
                kMaxAccessModeMappings);
  froms.clear();
  for (std::size_t i = 0; i < p.access_mode_mappings.size(); ++i) {
    const ValueMapping& m = p.access_mode_mappings[i];
    const std::string path = IndexPath(base + ".accessModeMappings", i);
    for (const auto& [field, value] : {std::pair{".from", &m.from}, std::pair{".to", &m.to}}) {
      bool known = false;
      for (std::string_view mode : kAccessModes) known = known || *value == mode;
      if (!known) {
        errors.Add(path + field, "unsupported value \"" + *value +
                                     "\" (want one of ReadWriteOnce, ReadOnlyMany, "
                                     "ReadWriteMany, ReadWriteOncePod)");
      }
    }
    if (!froms.insert(m.from).second) errors.Add(path, "duplicate from \"" + m.from + "\"");
  }
  const DataSyncConfig& d = p.data_sync_config;
  const std::string data = base + ".dataSyncConfig";
  CheckRange(errors, data + ".concurrentSyncs", d.concurrent_syncs, 1, kMaxConcurrentSyncs);
  if (d.bandwidth_limit < 0) errors.Add(data + ".bandwidthLimit", "must not be negative");
  CheckMaxItems(errors, data + ".excludePaths", d.exclude_paths.size(), kMaxExcludePaths);
  for (std::size_t i = 0; i < d.exclude_paths.size(); ++i) {
    const std::string& path = d.exclude_paths[i];
    bool ok = !path.empty() && path.size() <= kMaxExcludePathLength;
    for (char c : path) ok = ok && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
    if (!ok) {
      errors.Add(IndexPath(data + ".excludePaths", i),
                 "must be 1-1024 characters without control characters");
    }
  }
  CheckMaxItems(errors, data + ".rsyncOptions", d.rsync_options.size(), kMaxRsyncOptions);
  for (std::size_t i = 0; i < d.rsync_options.size(); ++i) {
    const Status s = CheckRsyncOption(d.rsync_options[i]);
    if (!s.ok()) errors.AddError(IndexPath(data + ".rsyncOptions", i), s.error());
  }
  CheckRange(errors, data + ".samplePercent", d.sample_percent, 1, kMaxPercent);
  CheckMinDuration(errors, data + ".timeout", d.timeout, kMinDataSyncTimeout);
}

}  // namespace

Status Validate(const ReplicationSpec& s) {
  FieldErrors errors;
  CheckNamespaceFields(errors, s);
  if (!s.schedule.empty()) CheckCron(errors, "spec.schedule", s.schedule);
  CheckMinDuration(errors, "spec.continuous.backgroundSyncInterval",
                   s.continuous.background_sync_interval, kMinBackgroundSyncInterval);
  if (s.continuous.debounce > kMaxDebounce) {
    errors.Add("spec.continuous.debounce", "must be at most " + FormatDurationShort(kMaxDebounce));
  }
  CheckResourceTypes(errors, "spec.resourceTypes", s.resource_types, true);
  CheckResourceTypes(errors, "spec.excludeResourceTypes", s.exclude_resource_types, false);
  CheckResourceTypes(errors, "spec.namespaceScopedResources", s.namespace_scoped_resources, false);
  CheckMaxItems(errors, "spec.exclude", s.exclude.size(), kMaxExcludeRules);
  for (std::size_t i = 0; i < s.exclude.size(); ++i) {
    const std::string path = IndexPath("spec.exclude", i);
    CheckResourceType(errors, path + ".kind", s.exclude[i].kind, true);
    CheckNamePattern(errors, path + ".namePattern", s.exclude[i].name_pattern);
  }
  const auto& overrides = s.immutable_resource_config.resource_overrides;
  CheckMaxItems(errors, "spec.immutableResourceConfig.resourceOverrides", overrides.size(),
                kMaxOverrides);
  for (const auto& [resource, handling] : overrides) {
    CheckResourceType(errors, "spec.immutableResourceConfig.resourceOverrides." + resource,
                      resource, false);
  }
  CheckPvcConfig(errors, s.pvc_config);
  const RetryConfig& r = s.retry_config;
  CheckRange(errors, "spec.retryConfig.maxRetries", r.max_retries, 0, kMaxRetries);
  CheckMinDuration(errors, "spec.retryConfig.initialBackoff", r.initial_backoff, kMinBackoff);
  if (r.max_backoff < r.initial_backoff) {
    errors.Add("spec.retryConfig.maxBackoff", "must be at least spec.retryConfig.initialBackoff");
  }
  CheckRange(errors, "spec.retryConfig.backoffMultiplier", r.backoff_multiplier,
             kMinBackoffMultiplier, kMaxBackoffMultiplier);
  CheckRange(errors, "spec.prune.maxDeletePercent", s.prune.max_delete_percent, 0, kMaxPercent);
  return errors.ToStatus();
}

}  // namespace drs::api
