#pragma once
// The gate's last line of defence: before it executes rsync it confines
// itself (and so rsync, which inherits the confinement across exec) with
// Linux Landlock to reading the one volume directory, executing and reading
// the system's program and library directories, and reading a handful of
// named files rsync needs (/etc/passwd for user names, the dynamic linker
// cache). No write anywhere, no read of anything else — not the host key,
// not the access policy, not another pod's volume — whatever a modified
// rsync client asks the sender to do through the protocol (filter merge
// files, symlinked path components; see docs/agent.md).
//
// Landlock is unprivileged and per process; it needs Linux 5.13 or later
// built with it. Its absence is reported as Unavailable so the caller can
// choose between refusing and carrying on unconfined.
//
// Thread-safety: call from a single-threaded process about to exec; the
// restriction applies to the calling thread only (and to what it execs).

#include <string>
#include <vector>

#include "base/result.h"

namespace drs::agent {

struct SandboxSpec {
  std::string readable_dir;  // the volume: read files, list directories
  // Directory trees that may be read and executed from (system binaries and
  // libraries). Missing ones are skipped.
  std::vector<std::string> executable_trees;
  // Single files that may be read (and, for the rsync binary, executed).
  // Missing ones are skipped.
  std::vector<std::string> readable_files;
  std::vector<std::string> writable_files;  // /dev/null
};

// The spec the gate uses for one volume and rsync binary.
SandboxSpec RsyncSandboxSpec(const std::string& volume_dir, const std::string& rsync_binary);

// The running kernel's Landlock ABI version; 0 when Landlock is unavailable.
int LandlockAbiVersion();

// Sets no_new_privs and restricts the calling thread to `spec`. Unavailable
// when the kernel has no Landlock; Internal, naming the path, on any other
// failure (the thread may then be partially restricted: exit, do not exec).
Status RestrictToSandbox(const SandboxSpec& spec);

}  // namespace drs::agent
