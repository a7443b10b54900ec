#pragma once
// Mounts the kubelet makes in the host's mount namespace, under a node's
// root only: each node root is bind-mounted onto itself and made shared
// (so CSI volumes mounted under it later propagate into containers that
// asked for HostToContainer), and each testbed CSI volume is bind-mounted
// at its kubelet path. Everything is undone on pod teardown and on stop;
// a restarted kubelet (or `scripts/testbed down`) removes what a crashed
// one left by reading /proc/self/mountinfo.
//
// Thread-safety: functions are thread-safe (the kernel serialises mounts);
// callers keep one writer per path.

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace drs::kubelet {

struct MountInfoEntry {
  std::string root;         // field 4: the mounted subtree of its filesystem
  std::string mount_point;  // field 5, unescaped
  std::string optional;     // "shared:1 master:2 ..."
};

// Parses /proc/<pid>/mountinfo text; malformed lines are skipped.
std::vector<MountInfoEntry> ParseMountInfo(std::string_view text);

// Mount points at or below `prefix` in this namespace, deepest first.
std::vector<std::string> MountPointsUnder(const std::string& prefix);
bool IsMountPoint(const std::string& path);

// Bind-mounts `dir` onto itself (once) and makes it a shared mount.
Status MakeSharedMount(const std::string& dir);
// Bind-mounts `source` (a directory) at `target`, creating `target`.
// Idempotent: a target that is already a mount point is left alone.
Status BindMount(const std::string& source, const std::string& target);
// Unmounts `target` (detaching it if busy); not mounted is fine.
Status Unmount(const std::string& target);
// Unmounts everything at or below `prefix`, deepest first; returns the count.
Result<int> UnmountAllUnder(const std::string& prefix);

}  // namespace drs::kubelet
