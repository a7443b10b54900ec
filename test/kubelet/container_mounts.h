#pragma once
// ContainerMounts: what one container sees mounted, as a list for the shim —
// its volumeMounts (subPath and subPathExpr inside the volume, readOnly from
// the mount or the volume, mountPropagation HostToContainer/Bidirectional),
// the termination-message file at terminationMessagePath (default
// /dev/termination-log), the files its image provides (read-only), and its
// own /tmp and /run.
//
// Thread-safety: a pure function apart from creating a missing subPath
// directory inside its volume (as the kubelet does).

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "kubelet/container_env.h"
#include "kubelet/image_rules.h"
#include "kubelet/shim_spec.h"
#include "kubelet/volume_manager.h"

namespace drs::kubelet {

inline constexpr char kDefaultTerminationMessagePath[] = "/dev/termination-log";

struct ContainerFiles {
  std::string termination_log;  // this instance's termination-message file
  std::string tmp_dir;          // becomes the container's /tmp
  std::string run_dir;          // becomes the container's /run
};

// Invalid (naming the mount) for a volume the pod does not define or a
// subPath that leaves its volume.
Result<std::vector<ShimMount>> ContainerMounts(const nlohmann::json& container,
                                               const std::map<std::string, PreparedVolume>& volumes,
                                               const std::vector<EnvVar>& env,
                                               const ImageRule& rule, const ContainerFiles& files);

}  // namespace drs::kubelet
