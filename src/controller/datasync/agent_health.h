#pragma once
// The controller's ssh health check of its agents, the pure parts: which
// agents to check (every ready agent pod, by node and address), the ssh argv
// (the movers' pinned options, src/mover/ssh_command.h, running the gate's
// `dr-syncer-health`), reading the gate's one-line JSON answer, and how the
// results change status.agents.reachable and the AgentsReady condition:
// True stays True only when every ready agent answered; otherwise it becomes
//   False Unreachable  naming the first failing node and ssh's or the gate's
//                      reason.
// The I/O (key files, running ssh) is agent_health_probe.h.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/remote_cluster.h"
#include "base/result.h"

namespace drs::controller::datasync {

// The gate's command for controller keys (src/agent/gate.cc).
inline constexpr std::string_view kAgentHealthCommand = "dr-syncer-health";

// One ready agent to check.
struct AgentTarget {
  std::string node;
  std::string address;  // as movers reach it: the pod IP, the node's with hostNetwork
  friend bool operator==(const AgentTarget&, const AgentTarget&) = default;
};

// The outcome of one check.
struct AgentHealth {
  AgentTarget target;
  bool ok = false;
  std::string reason;  // when !ok: one line, ssh's or the gate's words
};

// Every ready agent pod of `agent_pods` (the DaemonSet's), by node name.
std::vector<AgentTarget> ReadyAgentTargets(const std::vector<nlohmann::json>& agent_pods);

// Where the probe's files are.
struct HealthSshFiles {
  std::string identity_file;
  std::string known_hosts_file;
};

// ssh's whole argv: pinned host key, only the given identity, no config,
// no forwarding, then "-l root <address> dr-syncer-health".
std::vector<std::string> HealthSshArgv(const HealthSshFiles& files, const AgentTarget& target,
                                       std::int32_t port);

// OK when `answer` is the gate's JSON line and its "node" is `node`; else
// Invalid saying what was wrong (never echoing more than a short prefix).
Status CheckHealthAnswer(std::string_view answer, std::string_view node);

// The first non-empty line of ssh's stderr, trimmed and bounded, for a
// condition message; `fallback` when there is none.
std::string FirstLine(std::string_view text, std::string_view fallback);

// Sets status.agents->reachable from `results` and turns a True AgentsReady
// into False/Unreachable when any check failed.
// REQUIRES: status.agents is set (ApplyAgentStatus ran).
void ApplyAgentReachability(api::RemoteClusterStatus& status,
                            const std::vector<AgentHealth>& results, std::int64_t generation,
                            Clock::WallTime now);

// The checks could not run at all (the agent pods or the keys could not be
// read): nothing is counted reachable and a True AgentsReady becomes
// False/Unreachable saying why.
// REQUIRES: status.agents is set.
void ApplyAgentCheckError(api::RemoteClusterStatus& status, std::string_view error,
                          std::int64_t generation, Clock::WallTime now);

}  // namespace drs::controller::datasync
