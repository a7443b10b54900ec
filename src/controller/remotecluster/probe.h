#pragma once
// Probe: is a RemoteCluster's API server reachable with its credentials?
// Two GETs, no retries (the next probe is the retry): /version for the
// server version, then /api, which only authenticated identities may read,
// to prove the credentials are accepted (/version is open to anonymous
// callers, so it proves nothing about them). Reads only: probing a source
// cluster never shows up as a write in its audit log.
//
// Thread-safety: pure function of its inputs plus the network.

#include <chrono>
#include <stop_token>
#include <string>

#include "controller/remotecluster/cluster_connection.h"

namespace drs::controller {

struct ProbeResult {
  bool reachable = false;
  std::string server_version;  // gitVersion, e.g. "v1.36.3"
  std::string username;        // who the cluster says we are, when known
  // When !reachable: a CamelCase reason (ConnectionFailed, TLSError,
  // Unauthorized, Forbidden, Timeout, ProbeFailed) and a message that tells
  // a user what to fix. Never contains credentials.
  std::string reason;
  std::string message;
};

inline constexpr std::chrono::seconds kProbeTimeout{10};

ProbeResult Probe(const ClusterConnection& connection, std::stop_token stop,
                  std::chrono::milliseconds timeout = kProbeTimeout);

// The reason and user-facing message for a failed request to `server`.
std::pair<std::string, std::string> DescribeFailure(const Error& error, const std::string& server);

}  // namespace drs::controller
