#pragma once
// LocalSshd: a private, real OpenSSH server on 127.0.0.1 for the mover's
// integration tests — its own Ed25519 host key, one client key authorised
// with `restrict`, no config from /etc. Instead of the agent's gate, the
// authorized key's forced command only records SSH_ORIGINAL_COMMAND and
// runs it from the volumes directory, so "pvc/<ns>/<claim>/" resolves to
// <volumes>/pvc/<ns>/<claim>/ as the gate would resolve it on a node.
// (The gate itself is tested by the agent's own suites.)
//
// Thread-safety: not thread-safe; one test suite owns it. The sshd process
// is killed and reaped when the object dies.

#include <optional>
#include <string>

#include "base/child_process.h"
#include "base/result.h"

namespace drs::mover::testing {

class LocalSshd {
 public:
  // Creates keys and config under `dir` and starts sshd on a free port.
  static Result<LocalSshd> Start(const std::string& dir);

  int port() const { return port_; }
  const std::string& volumes_dir() const { return volumes_dir_; }
  // The client's private key (mode 0600) and a known_hosts pinning the
  // server's host key as "[127.0.0.1]:<port> ssh-ed25519 ...".
  const std::string& identity_file() const { return identity_file_; }
  const std::string& known_hosts_file() const { return known_hosts_file_; }
  // A known_hosts with another, freshly minted key for the same address.
  const std::string& wrong_known_hosts_file() const { return wrong_known_hosts_file_; }
  // Every SSH_ORIGINAL_COMMAND the server ran, one per line.
  std::string RemoteCommands() const;
  std::string Log() const;

 private:
  LocalSshd() = default;

  std::optional<ChildProcess> process_;
  int port_ = 0;
  std::string dir_;
  std::string volumes_dir_;
  std::string identity_file_;
  std::string known_hosts_file_;
  std::string wrong_known_hosts_file_;
};

}  // namespace drs::mover::testing
