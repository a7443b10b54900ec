#pragma once
// RemoteCluster (dr-syncer.io/v1alpha1, short name rc): how to reach one
// cluster — a kubeconfig in a Secret, client rate limits, how often to probe
// it — and, with PVC sync on, how to run the node agents there. The schema
// is deploy/crds/dr-syncer.io_remoteclusters.yaml; docs/api.md is the
// reference for users.
//
// Decoding applies the same defaults as the CRD, so an object the API server
// did not default (stored before a default existed, or written for the Go
// dr-syncer) reads the same as one it did. Validate() checks the rules the
// CRD's schema and CEL rules enforce, with errors naming the field path
// ("spec.kubeconfigSecretRef.name: required"): decode + Validate accepts
// exactly what the API server accepts.
//
// Thread-safety: value types and pure functions.

#include <chrono>
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
#include "base/clock.h"
#include "base/result.h"

namespace drs::api {

// status.conditions types.
inline constexpr std::string_view kConditionReady = "Ready";
inline constexpr std::string_view kConditionKubeconfigValid = "KubeconfigValid";
inline constexpr std::string_view kConditionReachable = "Reachable";
inline constexpr std::string_view kConditionAgentsReady = "AgentsReady";

// Rotates the cluster's PVC sync keys (host, controller and every mover key
// pulling from it) once per new value, like a Replication's sync-now; the
// value handled is then recorded in status.lastHandledKeyRotation.
inline constexpr std::string_view kRotateKeysAnnotation = "dr-syncer.io/rotate-keys";

// Defaults, identical to the CRD's.
inline constexpr std::string_view kDefaultKubeconfigKey = "kubeconfig";
// client-go's 5 QPS starves a controller that lists many types per sync;
// 50/100 keeps one sync of a large namespace in seconds while staying well
// under an API server's default max-inflight (400).
inline constexpr double kDefaultQps = 50;
inline constexpr std::int32_t kDefaultBurst = 100;
inline constexpr Duration kDefaultProbeInterval = std::chrono::seconds(30);
inline constexpr std::int32_t kDefaultAgentSshPort = 2222;
inline constexpr Duration kDefaultKeyRotationInterval = std::chrono::hours(720);
// Lower bounds: probing more than once a second loads the remote API server
// for nothing; rotating keys more than hourly leaves movers no overlap window.
inline constexpr Duration kMinProbeInterval = std::chrono::seconds(1);
inline constexpr Duration kMinKeyRotationInterval = std::chrono::hours(1);

struct KubeconfigSecretRef {
  std::string name;
  // Defaulted to the RemoteCluster's own namespace by RemoteClusterFromJson.
  std::string ns;
  std::string key = std::string(kDefaultKubeconfigKey);
  friend bool operator==(const KubeconfigSecretRef&, const KubeconfigSecretRef&) = default;
};

// The agent DaemonSet's pod settings.
struct AgentSpec {
  std::string image;  // "" = the controller's --agent-image
  std::int32_t ssh_port = kDefaultAgentSshPort;
  std::map<std::string, std::string> node_selector;
  nlohmann::json tolerations = nlohmann::json::array();  // []corev1.Toleration, as given
  nlohmann::json resources = nlohmann::json::object();   // corev1.ResourceRequirements, as given
  std::string priority_class_name;
  bool host_network = true;
  friend bool operator==(const AgentSpec&, const AgentSpec&) = default;
};

struct PvcSyncSpec {
  bool enabled = false;
  AgentSpec agent;
  Duration key_rotation_interval = kDefaultKeyRotationInterval;
  friend bool operator==(const PvcSyncSpec&, const PvcSyncSpec&) = default;
};

struct RemoteClusterSpec {
  KubeconfigSecretRef kubeconfig_secret_ref;
  std::string context;           // "" = the kubeconfig's current-context
  std::string default_schedule;  // cron; "" = none
  std::vector<std::string> default_resource_types;
  double qps = kDefaultQps;
  std::int32_t burst = kDefaultBurst;
  Duration probe_interval = kDefaultProbeInterval;
  PvcSyncSpec pvc_sync;
  friend bool operator==(const RemoteClusterSpec&, const RemoteClusterSpec&) = default;
};

struct AgentCounts {
  std::int32_t desired = 0;
  std::int32_t ready = 0;
  // Ready agents that answered the controller's ssh health check
  // (dr-syncer-health with the cluster's controller key).
  std::int32_t reachable = 0;
  friend bool operator==(const AgentCounts&, const AgentCounts&) = default;
};

struct RemoteClusterStatus {
  std::int64_t observed_generation = 0;
  std::vector<Condition> conditions;
  std::string server_version;  // e.g. "v1.36.3"
  std::optional<Clock::WallTime> last_probe_time;
  // Absent while PVC sync is off. ToJson also writes agents.summary
  // ("ready/desired") for the Agents printer column.
  std::optional<AgentCounts> agents;
  // The last dr-syncer.io/rotate-keys value handled, and when.
  std::string last_handled_key_rotation;
  std::optional<Clock::WallTime> last_key_rotation_time;
  std::string message;
  friend bool operator==(const RemoteClusterStatus&, const RemoteClusterStatus&) = default;
};

struct RemoteCluster {
  ObjectMeta metadata;
  RemoteClusterSpec spec;
  RemoteClusterStatus status;
};

// Decodes a whole object: metadata, spec (defaults applied, secret namespace
// defaulted to metadata.namespace) and status. Invalid, naming every
// mistyped or missing field, when the JSON does not have the CRD's shape.
// Does not run Validate().
Result<RemoteCluster> RemoteClusterFromJson(const nlohmann::json& object);
// `spec` alone; `object_namespace` defaults the secret's namespace.
Result<RemoteClusterSpec> RemoteClusterSpecFromJson(const nlohmann::json& spec,
                                                    std::string_view object_namespace);
// `status` alone; null reads as an empty status.
Result<RemoteClusterStatus> RemoteClusterStatusFromJson(const nlohmann::json& status);

// The spec with every defaulted field written (as the API server stores it)
// and empty optional fields left out.
nlohmann::json ToJson(const RemoteClusterSpec& spec);
// The `status` object for an UpdateStatus/patch; empty fields left out.
nlohmann::json ToJson(const RemoteClusterStatus& status);

// The CRD's rules: OK, or Invalid listing every broken rule by field path.
Status Validate(const RemoteClusterSpec& spec);

}  // namespace drs::api
