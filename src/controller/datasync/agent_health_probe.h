#pragma once
// The controller's ssh health check of its agents, the I/O: for each ready
// agent, the real ssh with the cluster's controller key runs the gate's
// `dr-syncer-health` and the answer is checked (agent_health.h).
//
// The private key goes to a file of mode 0600 in a fresh mkdtemp (0700)
// directory, beside a known_hosts file pinning the cluster's live host keys
// for "[address]:port"; both are removed as soon as ssh exits. The key is
// never logged or put in a message. ssh gets PATH and LC_ALL only. A
// controller killed mid-probe cannot remove its files: the next one to
// start removes such leftovers.
//
// Keys are tried newest first: after a rotation the agents learn the new
// public key only when the kubelet refreshes their access.json, so until
// then an older live key is tried when the newest is refused.
//
// Thread-safety: AgentHealthChecker is thread-safe; HealthProbeFiles is a
// move-only value owned by one probe.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "api/duration.h"
#include "base/clock.h"
#include "base/result.h"
#include "base/secret_bytes.h"
#include "base/subprocess.h"
#include "controller/datasync/agent_health.h"

namespace drs::controller::datasync {

// A healthy agent answers in milliseconds; 10 s allows a slow handshake on
// a busy node without letting one dead node hold a reconcile for long.
inline constexpr std::chrono::seconds kHealthProbeTimeout{10};
// Probes at once per cluster: enough to check a large cluster within a few
// timeouts, few enough not to look like a flood to the nodes' sshd.
inline constexpr int kMaxConcurrentHealthProbes = 4;

// The key file and known_hosts of one probe, in their own directory;
// removed with it when this dies.
class HealthProbeFiles {
 public:
  static Result<HealthProbeFiles> Create(const SecretBytes& private_key,
                                         std::string_view known_hosts);
  ~HealthProbeFiles();
  HealthProbeFiles(HealthProbeFiles&& other) noexcept;
  HealthProbeFiles& operator=(HealthProbeFiles&&) = delete;
  HealthProbeFiles(const HealthProbeFiles&) = delete;
  HealthProbeFiles& operator=(const HealthProbeFiles&) = delete;

  const std::string& dir() const { return dir_; }
  HealthSshFiles files() const;

 private:
  explicit HealthProbeFiles(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;  // empty once moved from
};

// A probe's directory lives as long as one ssh run (at most
// kHealthProbeTimeout); one older than this was left by a controller that
// was killed mid-probe.
inline constexpr std::chrono::minutes kStaleProbeDirAge{2};

// Removes the probe directories (dr-syncer-health-*, ours by owner, real
// directories, not symlinks) under `base` last modified before
// `now - kStaleProbeDirAge`, with the key files in them. Returns how many.
int RemoveStaleProbeDirs(const std::string& base, Clock::WallTime now);

// How ssh is run; tests substitute it.
using ProcessRunner = std::function<Result<ProcessResult>(const ProcessSpec&, std::stop_token)>;

// What a probe needs of the cluster.
struct HealthProbeSettings {
  std::int32_t port = api::kDefaultAgentSshPort;
  std::vector<const SecretBytes*> keys;  // live controller keys, newest first
  std::vector<std::string> host_keys;    // live host public keys
};

// Probes one agent.
AgentHealth ProbeAgent(const AgentTarget& target, const HealthProbeSettings& settings,
                       const ProcessRunner& run, std::stop_token stop);

class AgentHealthChecker {
 public:
  // REQUIRES: clock outlives the checker. Removes probe directories a
  // killed predecessor left behind (RemoveStaleProbeDirs).
  explicit AgentHealthChecker(Clock& clock, ProcessRunner run = RunProcess);

  // Checks `targets` of `remote_cluster`, at most kMaxConcurrentHealthProbes
  // at once; an agent checked less than `interval` ago keeps its result.
  std::vector<AgentHealth> Check(const std::string& remote_cluster,
                                 const std::vector<AgentTarget>& targets,
                                 const HealthProbeSettings& settings, api::Duration interval,
                                 std::stop_token stop);
  // Drops what is remembered of `remote_cluster`.
  void Forget(const std::string& remote_cluster);

 private:
  struct Remembered {
    AgentHealth health;
    Clock::TimePoint at;
  };
  Clock& clock_;
  const ProcessRunner run_;
  std::mutex mu_;
  // remote cluster -> "node address:port" -> last result; guarded by mu_.
  std::map<std::string, std::map<std::string, Remembered>> remembered_;
};

}  // namespace drs::controller::datasync
