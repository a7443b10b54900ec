#pragma once
// ContainerRoot: builds a container's filesystem view inside the shim's
// private mount namespace, then chroots into it. The view is the host's
// own filesystem (we have no images) with the container's volumes
// bind-mounted at their mountPaths — without creating a single directory on
// the host for a mountpoint that does not exist there.
//
// How: a tmpfs "root" whose top-level entries are recursive bind mounts of
// the host's (a mirror of `/`). When a mountpoint's parent directory exists
// only on the host (e.g. /etc for /etc/dr-syncer/host-key, /dev for
// /dev/termination-log), that directory is replaced in the view by a tmpfs
// mirror of it — each entry bind-mounted from the original — in which the
// missing directories are then created. The scratch tmpfs holding roots and
// mirrors is unbindable so the mirror of `/` does not copy it into itself.
//
// Propagation: the namespace starts as a slave of the host (mounts made here
// never reach the host). The view is then made private, except volume
// mounts with HostToContainer propagation, which stay slaves: a CSI volume
// the kubelet mounts under a node's /var/lib/kubelet/pods later appears in
// an agent that mounted that tree with HostToContainer, as on a real node.
//
// Thread-safety: not thread-safe; used by the single-threaded shim only.
// REQUIRES: the caller is root and already in a private mount namespace.

#include <set>
#include <string>

#include "base/result.h"
#include "kubelet/shim_spec.h"

namespace drs::kubelet {

class ContainerRoot {
 public:
  explicit ContainerRoot(std::string scratch_dir);

  // Mounts the scratch tmpfs and the mirror of `/`.
  Status Prepare();
  // Bind-mounts one volume. Mount parents before children (sort by target).
  Status AddMount(const ShimMount& mount);
  // Makes sure a directory exists in the view (a working directory).
  Status EnsureDirectory(const std::string& container_path);
  // chroot into the view and chdir to `working_dir` ("/" if empty).
  Status Enter(const std::string& working_dir);

 private:
  std::string HostPathOf(const std::string& container_path) const;
  // Resolves `container_path` inside the view (symlinks stay inside it),
  // creating missing components (directories; a file for the last one when
  // !last_is_dir). Returns the resolved container path.
  Result<std::string> EnsurePath(const std::string& container_path, bool last_is_dir);
  // Replaces the view's `container_dir` by a writable tmpfs mirror of it.
  Status Mirror(const std::string& container_dir);
  bool InVolume(const std::string& container_path) const;

  const std::string scratch_;
  const std::string root_;
  // Container paths of directories on our own tmpfs, where new entries may
  // be created without touching the host.
  std::set<std::string> writable_;
  std::set<std::string> volumes_;  // container paths where volumes are mounted
  int mirrors_ = 0;
};

}  // namespace drs::kubelet
