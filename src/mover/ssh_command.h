#pragma once
// The ssh command rsync runs to reach the agent (its -e value). Trust is
// pinned: only the Ed25519 host key in the mover's known_hosts is accepted,
// nothing is learned or asked interactively, only the given key is offered,
// and no forwarding is requested. ssh reads no config file, so nothing in
// the image can weaken this.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <string>
#include <vector>

namespace drs::mover {

struct SshTarget {
  std::string ssh_program = "ssh";
  std::int64_t port = 22;
  std::string identity_file;
  std::string known_hosts_file;
  // A SharedSshConnection's socket: the session runs over that connection.
  // Empty = this ssh connects on its own.
  std::string control_path;
};

// Seconds ssh waits for the TCP connection and the handshake.
inline constexpr int kSshConnectTimeoutSeconds = 30;
// A silent connection is declared dead after interval x count = 60 s: long
// enough for a busy node, short enough that a vanished one frees the Job.
inline constexpr int kSshServerAliveIntervalSeconds = 15;
inline constexpr int kSshServerAliveCountMax = 4;

// ssh's argv without the destination: rsync appends "-l <user> <host>" and
// the remote command.
std::vector<std::string> BuildSshArgv(const SshTarget& target);

// Joins argv into one -e string the way rsync splits it back: on spaces,
// with single quotes keeping an argument whole.
// REQUIRES: no argument contains a single quote (ValidatePullOptions).
std::string RshCommandLine(const std::vector<std::string>& argv);

}  // namespace drs::mover
