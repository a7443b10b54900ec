#pragma once
// The two ssh servers data_bench pulls from, both the real sshd on
// 127.0.0.1 with free ports:
// - the agent: `dr-syncer-agent run` as the DaemonSet runs it — its
//   locked-down sshd, the AuthorizedKeysFile rendered from access.json
//   (one mover key that may read the bench volumes), the gate as the forced
//   command — over a kubelet pods tree whose CSI volumes hold the data sets;
// - a plain sshd: a second instance with an ordinary authorized_keys line
//   (no forced command, no restrictions), the baseline's server.
// Both accept the same client key and present the same host key, pinned in
// one known_hosts file. Keys, configuration and state live in a workspace
// under /run: sshd's StrictModes refuses keys below a world-writable
// directory such as /tmp.
//
// Thread-safety: not thread-safe; owned by the driver's main thread.

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/child_process.h"
#include "base/result.h"

namespace drs::bench {

// The namespace every bench volume belongs to in access.json.
inline constexpr const char* kBenchNamespace = "bench";

struct BenchVolume {
  std::string claim;        // pvc/bench/<claim>/
  std::string volume_name;  // the PV: <pods>/<uid>/volumes/kubernetes.io~csi/<pv>/mount
};

struct ServersConfig {
  std::string agent_binary;
  std::string pods_dir;  // the kubelet pods tree holding the volumes
  std::vector<BenchVolume> volumes;
  std::string sshd = "/usr/sbin/sshd";
};

class BenchServers {
 public:
  // Makes the workspace and keys, starts the agent (ready when its /readyz
  // says so) and the plain sshd (ready when it accepts connections).
  static Result<std::unique_ptr<BenchServers>> Start(const ServersConfig& config);
  // Stops both servers (SIGTERM, then SIGKILL) and removes the workspace.
  ~BenchServers();
  BenchServers(const BenchServers&) = delete;
  BenchServers& operator=(const BenchServers&) = delete;

  pid_t agent_pid() const { return agent_->pid(); }
  pid_t plain_sshd_pid() const { return plain_->pid(); }
  int agent_port() const { return agent_port_; }
  int plain_port() const { return plain_port_; }
  std::string client_key() const { return Path("client/id_ed25519"); }
  std::string known_hosts() const { return Path("known_hosts"); }
  std::string workspace() const { return root_; }
  // The last line of the agent's audit log (it says whether Landlock
  // confined the sender).
  std::string LastAuditLine() const;

 private:
  explicit BenchServers(std::string root) : root_(std::move(root)) {}
  std::string Path(const std::string& relative) const { return root_ + "/" + relative; }
  Status StartAgent(const ServersConfig& config, const std::string& client_public);
  Status StartPlainSshd(const ServersConfig& config, const std::string& client_public);
  void Stop(std::optional<ChildProcess>& child);

  std::string root_;
  int agent_port_ = 0;
  int health_port_ = 0;
  int plain_port_ = 0;
  std::optional<ChildProcess> agent_;
  std::optional<ChildProcess> plain_;
};

}  // namespace drs::bench
