#pragma once
// Replication (dr-syncer.io/v1alpha1, short name repl): one source namespace,
// or every namespace a label selector picks, copied to a destination cluster
// on a cron schedule, continuously, or on demand, with the transforms that
// keep the copy dormant but ready. The schema is
// deploy/crds/dr-syncer.io_replications.yaml; docs/api.md is the reference.
//
// Field names follow the Go dr-syncer's Replication/NamespaceMapping where
// the concept is the same. As for RemoteCluster, decoding applies the CRD's
// defaults and Validate() checks the CRD's rules, so decode + Validate
// accepts exactly what the API server accepts. Defaults the CRD cannot state
// (they depend on other objects) are resolved by the Effective* helpers.
//
// Thread-safety: value types and pure functions.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/condition.h"
#include "api/duration.h"
#include "api/object_meta.h"
#include "api/remote_cluster.h"
#include "base/clock.h"
#include "base/result.h"
#include "kube/label_selector.h"

namespace drs::api {

// Annotation on a Replication: each new value runs exactly one sync, which
// is then recorded in status.lastHandledTrigger.
inline constexpr std::string_view kSyncNowAnnotation = "dr-syncer.io/sync-now";
// The placeholder of destinationNamespacePattern.
inline constexpr std::string_view kNamespacePlaceholder = "{namespace}";

// status.conditions types.
inline constexpr std::string_view kConditionSynced = "Synced";
inline constexpr std::string_view kConditionSourceReachable = "SourceReachable";
inline constexpr std::string_view kConditionDestinationReachable = "DestinationReachable";
inline constexpr std::string_view kConditionDataSynced = "DataSynced";
// (and kConditionReady from remote_cluster.h)

// Defaults, identical to the CRD's (or, where the CRD has none, applied by
// the Effective* helpers).
inline constexpr std::string_view kDefaultSchedule = "*/5 * * * *";
inline constexpr Duration kDefaultBackgroundSyncInterval = std::chrono::minutes(5);
// Short enough that a change reaches DR well within a second, long enough to
// gather a burst (a Deployment rollout touches several objects at once).
inline constexpr Duration kDefaultDebounce = std::chrono::milliseconds(250);
inline constexpr std::int32_t kDefaultConcurrentSyncs = 2;
inline constexpr std::int32_t kDefaultSamplePercent = 10;
inline constexpr Duration kDefaultDataSyncTimeout = std::chrono::minutes(30);
inline constexpr std::int32_t kDefaultMaxRetries = 5;
inline constexpr Duration kDefaultInitialBackoff = std::chrono::seconds(5);
inline constexpr Duration kDefaultMaxBackoff = std::chrono::minutes(5);
inline constexpr std::int32_t kDefaultBackoffMultiplier = 200;  // percent
inline constexpr std::int32_t kDefaultMaxDeletePercent = 50;
// Bounds. A full resync more often than a minute is a LIST storm on big
// namespaces; a debounce over a minute stops being "continuous".
inline constexpr Duration kMinBackgroundSyncInterval = std::chrono::minutes(1);
inline constexpr Duration kMaxDebounce = std::chrono::minutes(1);
inline constexpr Duration kMinBackoff = std::chrono::seconds(1);
inline constexpr Duration kMinDataSyncTimeout = std::chrono::minutes(1);
inline constexpr std::int32_t kMaxConcurrentSyncs = 32;
// status.failures keeps the first this many per-object failures.
inline constexpr std::size_t kMaxReportedFailures = 20;

enum class ReplicationMode { kScheduled, kContinuous, kManual };
// The Go dr-syncer's RecreateWithPodDrain/ForceUpdate/PartialUpdate are not
// offered; ReplicationFromNamespaceMapping maps them (docs/migration-...).
enum class ImmutableHandling { kNoChange, kRecreate };
enum class VerificationMode { kNone, kSample, kFull };
enum class ReplicationPhase { kPending, kSyncing, kSynced, kDegraded, kFailed, kPaused };
enum class PvcSyncPhase { kPending, kSyncing, kSynced, kFailed, kSkipped };

// The spellings in the CRD: "Scheduled", "NoChange", "none", "Synced", ...
std::string_view ReplicationModeName(ReplicationMode mode);
std::string_view ImmutableHandlingName(ImmutableHandling handling);
std::string_view VerificationModeName(VerificationMode mode);
std::string_view ReplicationPhaseName(ReplicationPhase phase);
std::string_view PvcSyncPhaseName(PvcSyncPhase phase);

struct ContinuousConfig {
  Duration background_sync_interval = kDefaultBackgroundSyncInterval;
  Duration debounce = kDefaultDebounce;
  friend bool operator==(const ContinuousConfig&, const ContinuousConfig&) = default;
};

// Objects never copied: a kind (or resource type, or "*") and a glob over
// names ("*" any run of characters, "?" one character).
struct ExcludeRule {
  std::string kind;
  std::string name_pattern;
  friend bool operator==(const ExcludeRule&, const ExcludeRule&) = default;
};

// How the destination namespace is created (the Go dr-syncer's
// namespaceConfig).
struct NamespaceConfig {
  bool create_namespace = true;
  bool preserve_labels = true;
  bool preserve_annotations = true;
  friend bool operator==(const NamespaceConfig&, const NamespaceConfig&) = default;
};

struct ImmutableResourceConfig {
  ImmutableHandling default_handling = ImmutableHandling::kNoChange;
  // Keyed by resource type ("statefulsets.apps", "services").
  std::map<std::string, ImmutableHandling> resource_overrides;
  friend bool operator==(const ImmutableResourceConfig&, const ImmutableResourceConfig&) = default;
};

struct ServiceConfig {
  // Keep spec.ports[].nodePort (they must then be free in the DR cluster).
  bool preserve_node_ports = false;
  // Keep spec.loadBalancerIP: an address that usually belongs to the
  // primary site, so a DR copy must not claim it by default.
  bool preserve_load_balancer_ip = false;
  friend bool operator==(const ServiceConfig&, const ServiceConfig&) = default;
};

struct IngressConfig {
  bool preserve_annotations = true;
  bool preserve_tls = true;
  bool preserve_backends = true;
  friend bool operator==(const IngressConfig&, const IngressConfig&) = default;
};

// storageClassMappings / accessModeMappings entries.
struct ValueMapping {
  std::string from;
  std::string to;
  friend bool operator==(const ValueMapping&, const ValueMapping&) = default;
};

struct DataSyncConfig {
  std::int32_t concurrent_syncs = kDefaultConcurrentSyncs;
  // KiB per second (rsync --bwlimit units); 0 = unlimited.
  std::int32_t bandwidth_limit = 0;
  std::vector<std::string> exclude_paths;
  // Each one allowed by rsync_options.h.
  std::vector<std::string> rsync_options;
  VerificationMode verification_mode = VerificationMode::kNone;
  std::int32_t sample_percent = kDefaultSamplePercent;
  Duration timeout = kDefaultDataSyncTimeout;
  bool mount_unattached_volumes = false;
  // Skip a claim's transfer when neither its source nor its DR copy changed
  // since the last successful one (the mover compares metadata digests of
  // both trees; docs/data-sync.md).
  bool skip_unchanged = true;
  friend bool operator==(const DataSyncConfig&, const DataSyncConfig&) = default;
};

struct PvcConfig {
  std::vector<ValueMapping> storage_class_mappings;
  std::vector<ValueMapping> access_mode_mappings;
  bool preserve_volume_attributes = false;
  bool sync_persistent_volumes = false;  // keep spec.volumeName
  bool sync_data = false;
  DataSyncConfig data_sync_config;
  friend bool operator==(const PvcConfig&, const PvcConfig&) = default;
};

struct RetryConfig {
  std::int32_t max_retries = kDefaultMaxRetries;
  Duration initial_backoff = kDefaultInitialBackoff;
  Duration max_backoff = kDefaultMaxBackoff;
  std::int32_t backoff_multiplier = kDefaultBackoffMultiplier;  // percent, 100-1000
  friend bool operator==(const RetryConfig&, const RetryConfig&) = default;
};

struct PruneConfig {
  bool enabled = false;
  // A cycle that would delete more than this share of the DR copies stops.
  std::int32_t max_delete_percent = kDefaultMaxDeletePercent;
  friend bool operator==(const PruneConfig&, const PruneConfig&) = default;
};

struct ReplicationSpec {
  std::string source_cluster;       // RemoteCluster name; "" = the local cluster
  std::string destination_cluster;  // RemoteCluster name; "" = the local cluster
  // Exactly one of source_namespace and namespace_selector is set.
  std::string source_namespace;
  std::string destination_namespace;  // defaulted to source_namespace
  std::optional<kube::LabelSelector> namespace_selector;
  // With namespace_selector: "{namespace}" is replaced by each source
  // namespace's name; "" means "{namespace}" (the same names). Use
  // DestinationNamespaceFor rather than reading it directly.
  std::string destination_namespace_pattern;
  ReplicationMode replication_mode = ReplicationMode::kScheduled;
  std::string schedule;  // "" = EffectiveSchedule's fallback chain
  ContinuousConfig continuous;
  bool paused = false;
  std::vector<std::string> resource_types;  // empty = EffectiveResourceTypes
  std::vector<std::string> exclude_resource_types;
  // Absent = every object.
  std::optional<kube::LabelSelector> label_selector;
  std::vector<ExcludeRule> exclude;
  std::vector<std::string> namespace_scoped_resources;
  bool scale_to_zero = true;
  ImmutableResourceConfig immutable_resource_config;
  bool sync_crds = false;
  NamespaceConfig namespace_config;
  ServiceConfig service_config;
  IngressConfig ingress_config;
  PvcConfig pvc_config;
  RetryConfig retry_config;
  PruneConfig prune;
  friend bool operator==(const ReplicationSpec&, const ReplicationSpec&) = default;
};

struct SyncCounts {
  std::int64_t total = 0;
  std::int64_t created = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
  std::int64_t deleted = 0;
  std::int64_t skipped = 0;
  std::int64_t failed = 0;
  friend bool operator==(const SyncCounts&, const SyncCounts&) = default;
};

struct ObjectFailure {
  std::string kind;
  std::string ns;
  std::string name;
  std::string reason;
  friend bool operator==(const ObjectFailure&, const ObjectFailure&) = default;
};

// The source's replica count of a workload the DR copy scaled to zero.
struct RememberedScale {
  std::string kind;
  std::string ns;
  std::string name;
  std::int32_t replicas = 0;
  friend bool operator==(const RememberedScale&, const RememberedScale&) = default;
};

struct PvcStatus {
  std::string ns;
  std::string name;
  PvcSyncPhase phase = PvcSyncPhase::kPending;
  std::optional<Clock::WallTime> last_sync_time;
  std::int64_t bytes = 0;
  std::int64_t files = 0;
  std::optional<Duration> duration;
  std::string message;
  // "sha256:<hex>" digests of the source tree and of the DR copy after the
  // last successful transfer (skipUnchanged only): the next mover skips
  // its transfer when both trees still have them.
  std::string source_digest;
  std::string destination_digest;
  friend bool operator==(const PvcStatus&, const PvcStatus&) = default;
};

struct ReplicationStatus {
  std::optional<ReplicationPhase> phase;
  std::int64_t observed_generation = 0;
  std::vector<Condition> conditions;
  // "cluster/namespace" forms for the Source and Destination columns; see
  // DescribeSource / DescribeDestination.
  std::string source;
  std::string destination;
  std::optional<Clock::WallTime> last_sync_time;
  std::optional<Clock::WallTime> last_successful_sync_time;
  std::optional<Clock::WallTime> next_sync_time;
  std::optional<Duration> last_sync_duration;
  std::string last_handled_trigger;
  std::optional<SyncCounts> counts;
  std::vector<ObjectFailure> failures;  // at most kMaxReportedFailures
  std::vector<RememberedScale> remembered_scales;
  std::vector<PvcStatus> pvcs;
  std::string message;
  friend bool operator==(const ReplicationStatus&, const ReplicationStatus&) = default;
};

struct Replication {
  ObjectMeta metadata;
  ReplicationSpec spec;
  ReplicationStatus status;
};

// Decodes a whole object: metadata, spec (CRD defaults applied,
// destinationNamespace defaulted to sourceNamespace) and status. Invalid,
// naming every mistyped field, when the JSON does not have the CRD's shape.
// Does not run Validate().
Result<Replication> ReplicationFromJson(const nlohmann::json& object);
Result<ReplicationSpec> ReplicationSpecFromJson(const nlohmann::json& spec);
Result<ReplicationStatus> ReplicationStatusFromJson(const nlohmann::json& status);

// The spec with every defaulted field written (as the API server stores it)
// and empty optional fields left out.
nlohmann::json ToJson(const ReplicationSpec& spec);
// The `status` object for an UpdateStatus/patch; empty fields left out.
// Failures beyond kMaxReportedFailures are dropped.
nlohmann::json ToJson(const ReplicationStatus& status);

// The CRD's rules: OK, or Invalid listing every broken rule by field path.
Status Validate(const ReplicationSpec& spec);

// The schedule a Scheduled replication runs on: its own, else the source
// cluster's defaultSchedule, else the destination's, else
// kDefaultSchedule. Either RemoteCluster may be null (the local cluster).
std::string EffectiveSchedule(const ReplicationSpec& spec, const RemoteClusterSpec* source,
                              const RemoteClusterSpec* destination);
// The resource types to copy: its own, else the source cluster's
// defaultResourceTypes, else the destination's, else {"*"}.
std::vector<std::string> EffectiveResourceTypes(const ReplicationSpec& spec,
                                                const RemoteClusterSpec* source,
                                                const RemoteClusterSpec* destination);
// The destination namespace for one source namespace: destinationNamespace
// in single-namespace mode, else the pattern applied. Invalid when the
// result is not a namespace name (e.g. longer than 63 characters).
Result<std::string> DestinationNamespaceFor(const ReplicationSpec& spec,
                                            std::string_view source_namespace);
// "prod/shop", "(local)/shop", "prod/{env=prod}" — for status.source.
std::string DescribeSource(const ReplicationSpec& spec);
// "dr/shop", "dr/dr-{namespace}" — for status.destination.
std::string DescribeDestination(const ReplicationSpec& spec);

// metav1.LabelSelector JSON of a selector (matchLabels for equality
// requirements, matchExpressions for the rest).
nlohmann::json LabelSelectorToJson(const kube::LabelSelector& selector);

}  // namespace drs::api
