#pragma once
// VolumeManager: makes a pod's volumes exist on its node, where the kubelet
// keeps them, and removes them again.
//   secret, configMap, downwardAPI, projected  files written atomically
//       (atomic_writer.h) under kubernetes.io~<plugin>/<name>; rewritten on
//       every sync, so a changed Secret reaches running pods within seconds
//   emptyDir                 an empty directory (medium Memory too: no tmpfs)
//   hostPath                 the path under the node's root directory; type
//                            "" and DirectoryOrCreate create a directory,
//                            FileOrCreate a file, other types must exist
//   persistentVolumeClaim    bound to a PV whose spec.csi.driver is
//       testbed.dr-syncer.io: its data directory <cluster>/volumes/<pv> is
//       bind-mounted at kubernetes.io~csi/<pv>/mount; a PV with hostPath or
//       local maps to the node's root like a hostPath volume
// Anything else (ephemeral, inline CSI, NFS, ...) is Invalid: the pod fails.
//
// Thread-safety: thread-safe for different pods; one caller per pod.

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/result.h"
#include "kubelet/container_env.h"
#include "kubelet/layout.h"
#include "kubelet/object_lookup.h"

namespace drs::kubelet {

struct PreparedVolume {
  std::string host_path;   // what containers bind-mount (a directory or a file)
  bool read_only = false;  // the volume itself is read-only (a claim's readOnly)
};

class VolumeManager {
 public:
  // REQUIRES: `lookup` and `clock` outlive the manager.
  VolumeManager(std::string cluster_dir, const ObjectLookup& lookup, Clock& clock)
      : cluster_dir_(std::move(cluster_dir)), lookup_(lookup), clock_(clock) {}

  // Sets up or refreshes every volume of `pod` on the layout's node. Errors:
  // NotFound / FailedPrecondition when something it needs is missing (retry
  // later), Invalid for a volume the bed does not support.
  Result<std::map<std::string, PreparedVolume>> SetUp(const nlohmann::json& pod,
                                                      const NodeLayout& layout,
                                                      const PodContext& context);

  // Unmounts the pod's CSI volumes and removes its volume directories.
  Status TearDown(const std::string& uid, const NodeLayout& layout);
  // TearDown, then removes the pod's whole directory (on deletion).
  Status RemovePod(const std::string& uid, const NodeLayout& layout);

 private:
  Result<PreparedVolume> SetUpOne(const nlohmann::json& pod, const nlohmann::json& volume,
                                  const NodeLayout& layout, const PodContext& context);
  Result<PreparedVolume> SetUpHostPath(const nlohmann::json& host_path, const NodeLayout& layout);
  Result<PreparedVolume> SetUpClaim(const nlohmann::json& pod, const nlohmann::json& claim_ref,
                                    const NodeLayout& layout);

  const std::string cluster_dir_;
  const ObjectLookup& lookup_;
  Clock& clock_;
};

}  // namespace drs::kubelet
