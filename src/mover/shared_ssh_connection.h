#pragma once
// SharedSshConnection: one SSH connection for all the sessions of a pull —
// the tree digest, the transfer, the verification pass. It runs
// `ssh -M -N` (a master, no session of its own) as our child; each session's
// ssh names the master's control socket and runs over the connection,
// without a key exchange and authentication of its own: about 0.2 s each on
// the bench machine, most of it OpenSSH 9.2's sntrup761x25519 exchange.
//
// The master stays our child in the foreground (no ControlPersist, which
// would have ssh daemonize and leave orphans behind): it is reaped here and
// its CPU counts as the pull's. The socket lives in a fresh 0700 directory,
// because whoever can reach it can open sessions with the mover's key.
//
// Thread-safety: not thread-safe; one pull owns it.

#include <chrono>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "base/child_process.h"
#include "mover/ssh_command.h"

namespace drs::mover {

class SharedSshConnection {
 public:
  // Starts the master for `user`@`host` and waits until its socket appears,
  // it exits, `timeout` passes or `stop` is requested. On any failure path()
  // is empty: each session then connects on its own and reports what is
  // wrong in its own words.
  SharedSshConnection(SshTarget target, const std::string& user, const std::string& host,
                      const std::vector<std::string>& envp, std::chrono::milliseconds timeout,
                      const std::stop_token& stop);
  // Asks the master to exit (ssh -O exit) and reaps it; kills it if it
  // does not go.
  ~SharedSshConnection();
  SharedSshConnection(const SharedSshConnection&) = delete;
  SharedSshConnection& operator=(const SharedSshConnection&) = delete;

  // The control socket, for SshTarget::control_path; empty = not shared.
  const std::string& path() const { return path_; }
  // The master was started but did not come up (it exited: a refused key,
  // a wrong host key, no route; or the wait ended). Sessions would most
  // likely fail the same way.
  bool failed() const { return failed_; }

 private:
  std::string ssh_program_;
  std::string dir_;
  std::string path_;
  std::optional<ChildProcess> master_;
  bool failed_ = false;
};

}  // namespace drs::mover
