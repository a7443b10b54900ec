#pragma once
// AgentRunner: `dr-syncer-agent run`. Validates its inputs, prepares the
// state directory (host key copy, sshd_config, AuthorizedKeysFile), then
// supervises sshd and, once per poll interval:
//   - re-reads the access file (a Secret volume swaps its "..data" symlink
//     on update; reading through it sees old or new, never a mix) and
//     re-renders the AuthorizedKeysFile when it changed — sshd reads that
//     file on every authentication, so no restart is needed;
//   - re-reads the host key and makes sshd reload when it changed;
//   - forwards new gate audit records into the log.
// An access file that stops parsing empties the AuthorizedKeysFile (fail
// closed) and makes /readyz fail until it is fixed.
//
// Thread-safety: Prepare and Run are called from one thread; the probe
// checks run on the health server's threads and read only atomics.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "agent/audit_log.h"
#include "agent/authorized_keys.h"
#include "agent/host_key.h"
#include "agent/sshd_supervisor.h"
#include "base/clock.h"
#include "base/result.h"

namespace drs::agent {

struct AgentOptions {
  std::string listen_address;  // the node's IP
  std::uint16_t port = 2222;
  std::string host_key_dir = "/etc/dr-syncer/host-key";
  std::string access_file = "/etc/dr-syncer/access/access.json";
  std::string kubelet_pods_dir = "/var/lib/kubelet/pods";
  std::string state_dir = "/run/dr-syncer-agent";
  std::string health_address = ":8081";
  std::string sshd_binary = "/usr/sbin/sshd";
  std::string rsync_binary = "/usr/bin/rsync";
  std::string agent_binary;  // the forced command's program; this executable
  std::string node_name;
  std::string sandbox = "auto";
  std::chrono::milliseconds poll_interval{1000};
  std::chrono::milliseconds shutdown_grace{5000};
};

class AgentRunner {
 public:
  AgentRunner(AgentOptions options, Clock& clock);
  ~AgentRunner();
  AgentRunner(const AgentRunner&) = delete;
  AgentRunner& operator=(const AgentRunner&) = delete;

  // Everything that can be checked before sshd starts: flags, directories
  // and their modes (sshd's StrictModes), the host key, the access file,
  // `sshd -t` on the rendered configuration. Errors name what is wrong.
  Status Prepare();

  // Serves until `stop` is requested, then stops sshd and the probes.
  // REQUIRES: Prepare() succeeded.
  Status Run(std::stop_token stop);

  // The probe answers (public for tests).
  Status Liveness() const;
  Status Readiness() const;

  std::string authorized_keys_path() const { return options_.state_dir + "/authorized_keys"; }
  std::string sshd_config_path() const { return options_.state_dir + "/sshd_config"; }
  std::string audit_log_path() const { return options_.state_dir + "/audit.log"; }

 private:
  Status PrepareDirectories();
  void SyncAccessFile();
  void SyncHostKey();
  void ForwardAuditLine(std::string_view line);

  const AgentOptions options_;
  Clock& clock_;
  GateCommand gate_command_;
  HostKeyInstaller host_key_;
  std::unique_ptr<SshdSupervisor> sshd_;
  std::unique_ptr<AuditLogForwarder> audit_;
  std::optional<std::string> access_bytes_;  // the access file as last rendered
  std::string last_host_key_error_;
  std::atomic<bool> keys_loaded_{false};
};

}  // namespace drs::agent
