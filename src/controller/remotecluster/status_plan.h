#pragma once
// The pure half of the RemoteCluster controller: from what a reconcile
// observed (the kubeconfig Secret, the probe) to the status it should
// write, with conditions whose reasons tell a user what to fix.
//
// Conditions: KubeconfigValid (Loaded | SecretNotFound | SecretForbidden |
// KeyMissing | KubeconfigInvalid), Reachable (Connected | ConnectionFailed |
// TLSError | Unauthorized | Forbidden | Timeout | ProbeFailed | NotProbed),
// Ready (True when both are; else the failing one's reason and message).
//
// Thread-safety: pure functions.

#include <optional>
#include <string>

#include "api/remote_cluster.h"
#include "controller/remotecluster/probe.h"

namespace drs::controller {

struct KubeconfigObservation {
  bool valid = false;
  std::string reason;   // when !valid
  std::string message;  // when !valid; names the Secret and key, never its bytes
};

struct RemoteClusterObservation {
  KubeconfigObservation kubeconfig;
  std::optional<ProbeResult> probe;  // set when the kubeconfig was valid
};

// How often lastProbeTime is refreshed when nothing else changed: a
// heartbeat users can see, without a status write per probe.
inline constexpr std::chrono::minutes kProbeTimeHeartbeat{5};

api::RemoteClusterStatus PlanStatus(const api::RemoteCluster& rc,
                                    const RemoteClusterObservation& observed, Clock::WallTime now);

// The dr-syncer.io/rotate-keys value not yet handled (status
// lastHandledKeyRotation), or "" when there is none.
std::string PendingKeyRotation(const api::RemoteCluster& rc);

// Whether `planned` must be written over `current`: anything but
// lastProbeTime changed, or the heartbeat is due.
bool StatusNeedsWrite(const api::RemoteClusterStatus& current,
                      const api::RemoteClusterStatus& planned);

}  // namespace drs::controller
