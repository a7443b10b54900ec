#pragma once
// Logical volume paths and where they live on this node. A client names a
// volume as "pvc/<namespace>/<claim>/"; the access policy maps that claim to
// its PersistentVolume, and the kubelet mounts the PersistentVolume for a pod
// at one of
//   <pods>/<pod-uid>/volumes/kubernetes.io~csi/<pv>/mount   (CSI)
//   <pods>/<pod-uid>/volumes/kubernetes.io~<plugin>/<pv>    (in-tree)
// Resolution refuses a symlink anywhere below the pods directory and any
// result whose real path is not inside it: the tree is the kubelet's, but a
// volume's *content* belongs to the workload, and the gate must never be
// walked out of the tree by it.
//
// Thread-safety: pure functions (ResolveVolumeDir only reads the tree).

#include <string>
#include <string_view>

#include "base/result.h"

namespace drs::agent {

struct LogicalVolumePath {
  std::string ns;
  std::string claim;
};

// "pvc/<namespace>/<claim>/" exactly (the trailing slash too: the mover
// copies the volume's content, not a directory named after the claim).
// PermissionDenied with a reason otherwise — "..", absolute paths, extra
// components, bad names.
Result<LogicalVolumePath> ParseLogicalVolumePath(std::string_view path);

// The directory holding the content of PersistentVolume `volume_name` on
// this node. NotFound when no pod on this node mounts it; PermissionDenied
// when the only candidates involve a symlink or leave the pods directory.
// When several pods mount the volume, the first pod uid in byte order wins
// (they all see the same data).
Result<std::string> ResolveVolumeDir(const std::string& pods_dir, std::string_view volume_name);

}  // namespace drs::agent
