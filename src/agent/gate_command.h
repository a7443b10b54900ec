#pragma once
// `dr-syncer-agent rsync-gate`: the forced command sshd runs for every key.
// Reads SSH_ORIGINAL_COMMAND and SSH_CONNECTION, decides (gate.h), appends
// the decision to the audit log, then either prints the health answer,
// confines itself with Landlock and executes the real rsync in its place, or
// writes "dr-syncer-agent: refused: <reason>" to stderr (which the client
// sees) and exits 1.
//
// Flags (also DRS_<NAME>): --access-file, --key-id, --kubelet-pods-dir,
// --node-name, --audit-log, --rsync (default /usr/bin/rsync), --sandbox
// (auto: confine when the kernel has Landlock; required: refuse without it).
//
// Thread-safety: a process entry point; call from main only.

#include <string>

namespace drs::agent {

// argv[0] is the subcommand name. `version` is the agent's version, reported
// by the health command. Returns the exit status (when it returns: a
// successful rsync start replaces the process).
int RunGateCommand(int argc, char** argv, const std::string& version);

}  // namespace drs::agent
