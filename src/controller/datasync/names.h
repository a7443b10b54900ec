#pragma once
// The names, labels, paths and ports that PVC data sync shares between the
// controller, the agent (dr-syncer-agent run / rsync-gate), the mover
// (dr-syncer-agent pull) and the test bed's process kubelet. The contract is
// docs/data-sync.md; a change here is a change there.
//
// Thread-safety: constants and pure functions.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace drs::controller::datasync {

// --- Objects in each source cluster with pvcSync.enabled ---
inline constexpr std::string_view kAgentNamespace = "dr-syncer-agent";
// The ServiceAccount and the DaemonSet.
inline constexpr std::string_view kAgentName = "dr-syncer-agent";
inline constexpr std::string_view kHostKeySecret = "dr-syncer-agent-host-key";
inline constexpr std::string_view kAccessSecret = "dr-syncer-agent-access";
inline constexpr std::string_view kHostKeyFile = "ssh_host_ed25519_key";
inline constexpr std::string_view kHostKeyPubFile = "ssh_host_ed25519_key.pub";
inline constexpr std::string_view kAccessFile = "access.json";

// --- Paths inside the agent and mover containers ---
inline constexpr std::string_view kAgentBinary = "/usr/local/bin/dr-syncer-agent";
inline constexpr std::string_view kHostKeyDir = "/etc/dr-syncer/host-key";
inline constexpr std::string_view kAccessDir = "/etc/dr-syncer/access";
inline constexpr std::string_view kKubeletPodsDir = "/var/lib/kubelet/pods";
inline constexpr std::string_view kAgentStateDir = "/run/dr-syncer-agent";
inline constexpr std::string_view kMoverSecretDir = "/etc/dr-syncer/mover";
inline constexpr std::string_view kMoverDataDir = "/data";
inline constexpr std::string_view kMoverIdentityFile = "id_ed25519";
inline constexpr std::string_view kMoverKnownHostsFile = "known_hosts";
inline constexpr std::string_view kTerminationLog = "/dev/termination-log";

// The agent's /healthz and /readyz (docs/data-sync.md).
inline constexpr std::int32_t kAgentHealthPort = 8081;
// sshd's user on the agents: root, restricted to the forced command.
inline constexpr std::string_view kAgentSshUser = "root";

// --- Labels and annotations ---
inline constexpr std::string_view kNameLabel = "app.kubernetes.io/name";
inline constexpr std::string_view kComponentLabel = "app.kubernetes.io/component";
inline constexpr std::string_view kComponentAgent = "agent";
inline constexpr std::string_view kComponentMover = "mover";
inline constexpr std::string_view kComponentMountPod = "volume-mount";
inline constexpr std::string_view kComponentKeys = "ssh-keys";
// On mover Jobs, their Secrets and pods, and temporary mount pods: the claim
// (as a label value, see LabelValue) and, as an annotation, its exact name.
inline constexpr std::string_view kClaimLabel = "dr-syncer.io/claim";
inline constexpr std::string_view kClaimAnnotation = "dr-syncer.io/claim";
// On mover Jobs: the run number (the <n> of the name), the attempt within a
// round (0 = first), when the controller created it (its clock, RFC 3339:
// the DR copy holds the data as of at least this time) and the key used.
inline constexpr std::string_view kRunLabel = "dr-syncer.io/run";
inline constexpr std::string_view kAttemptAnnotation = "dr-syncer.io/attempt";
inline constexpr std::string_view kCreatedAtAnnotation = "dr-syncer.io/created-at";
inline constexpr std::string_view kKeyIdAnnotation = "dr-syncer.io/key-id";
inline constexpr std::string_view kSourceNodeAnnotation = "dr-syncer.io/source-node";
// On the agent pod template: changes whenever the agents must restart.
inline constexpr std::string_view kAgentConfigHashAnnotation = "dr-syncer.io/agent-config-hash";
inline constexpr std::string_view kHostKeySerialAnnotation = "dr-syncer.io/host-key-serial";
// On key Secrets in the controller's namespace.
inline constexpr std::string_view kKeyHolderAnnotation = "dr-syncer.io/key-holder";
inline constexpr std::string_view kKeyRoleLabel = "dr-syncer.io/key-role";
inline constexpr std::string_view kRemoteClusterLabel = "dr-syncer.io/remote-cluster";
// The last dr-syncer.io/rotate-keys token a forced rotation applied to the ring.
inline constexpr std::string_view kRotatedForAnnotation = "dr-syncer.io/rotated-for";

// Kubernetes limits: a DNS label (names of Jobs, whose pods' job-name label
// repeats it) and a label value.
inline constexpr std::size_t kMaxDnsLabel = 63;
inline constexpr std::size_t kMaxLabelValue = 63;
inline constexpr std::size_t kMaxDnsSubdomain = 253;
// Hex digits of SHA-256 added to shortened names: 32 bits keep collisions
// between the few names that share a shortened prefix out of reach.
inline constexpr std::size_t kNameHashDigits = 8;

// `readable` lower-cased, with every character a DNS label may not hold
// replaced by '-', trimmed to alphanumerics at both ends, then shortened so
// that "<readable>-<hash>" fits in `max`; <hash> is kNameHashDigits of the
// SHA-256 of `identity`. Always carries the hash, so two identities never
// share a name even when their readable parts do.
std::string HashedName(std::string_view readable, std::string_view identity, std::size_t max);

// A DNS label: 1-63 of [a-z0-9-], alphanumeric at both ends.
bool IsDnsLabel(std::string_view name);

// A label value for any string (a claim, "namespace/name"): itself when it
// is one, else a shortened form with a hash suffix.
std::string LabelValue(std::string_view value);

// "<namespace>/<name>": how a RemoteCluster or Replication is identified in
// ids, annotations, logs and metrics.
std::string ObjectId(std::string_view ns, std::string_view name);

}  // namespace drs::controller::datasync
