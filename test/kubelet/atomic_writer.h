#pragma once
// WriteAtomically: projects a set of files into a volume directory the way
// the kubelet's AtomicWriter does for Secret, ConfigMap, downward API and
// projected volumes, so a reader never sees half an update:
//
//   <dir>/..2026_11_26_08_00_00.123456789/<files>   one timestamped copy
//   <dir>/..data -> ..2026_11_26_08_00_00.123456789 swapped with one rename
//   <dir>/<name> -> ..data/<name>                    per top-level entry
//
// An update writes a new timestamped copy, swaps `..data` atomically, fixes
// the top-level links and removes the old copy. Programs that watch a mounted
// Secret (the agent reloading its keys) see exactly this sequence.
//
// Thread-safety: one writer per directory at a time (the caller's duty).

#include <sys/types.h>

#include <map>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "base/secret_bytes.h"

namespace drs::kubelet {

struct FilePayload {
  SecretBytes data;
  mode_t mode = 0644;
};

// Relative path ("a", "dir/b") -> content. Paths may not be absolute, contain
// "." or ".." components, or start with "..".
using Payload = std::map<std::string, FilePayload>;

// Makes `dir` hold exactly `payload`. Returns true when anything changed,
// false when the directory already matched (nothing is written then).
Result<bool> WriteAtomically(const std::string& dir, const Payload& payload, Clock::WallTime now);

}  // namespace drs::kubelet
