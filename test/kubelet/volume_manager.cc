#include "kubelet/volume_manager.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "kube/object.h"
#include "kubelet/atomic_writer.h"
#include "kubelet/host_mounts.h"
#include "kubelet/volume_payloads.h"

namespace drs::kubelet {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr mode_t kEmptyDirMode = 0777;  // what the kubelet gives an emptyDir

std::string Str(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Status MakeDirs(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return UnavailableError("cannot create " + dir + ": " + ec.message());
  return OkStatus();
}

// The plugin directory name of a projected kind, as the kubelet names them.
const char* PluginOf(const json& volume) {
  if (volume.contains("secret")) return "secret";
  if (volume.contains("configMap")) return "configmap";
  if (volume.contains("downwardAPI")) return "downward-api";
  if (volume.contains("projected")) return "projected";
  return nullptr;
}

}  // namespace

Result<std::map<std::string, PreparedVolume>> VolumeManager::SetUp(const json& pod,
                                                                   const NodeLayout& layout,
                                                                   const PodContext& context) {
  std::map<std::string, PreparedVolume> out;
  const json spec = pod.value("spec", json::object());
  for (const auto& volume : spec.value("volumes", json::array())) {
    if (!volume.is_object()) continue;
    const std::string name = Str(volume, "name");
    if (!IsSafeComponent(name)) return InvalidError("volume name \"" + name + "\" is not usable");
    auto prepared = SetUpOne(pod, volume, layout, context);
    if (!prepared.ok()) return std::move(prepared).error().WithContext("volume \"" + name + "\"");
    out[name] = std::move(prepared).value();
  }
  return out;
}

Result<PreparedVolume> VolumeManager::SetUpOne(const json& pod, const json& volume,
                                               const NodeLayout& layout,
                                               const PodContext& context) {
  const std::string uid = kube::Uid(pod);
  const std::string name = Str(volume, "name");
  if (const char* plugin = PluginOf(volume)) {
    DRS_ASSIGN_OR_RETURN(const Payload payload, VolumePayload(pod, volume, context, lookup_));
    const std::string dir = layout.VolumeDir(uid, plugin, name);
    DRS_RETURN_IF_ERROR(WriteAtomically(dir, payload, clock_.WallNow()));
    return PreparedVolume{.host_path = dir};
  }
  if (volume.contains("emptyDir")) {
    const std::string dir = layout.VolumeDir(uid, "empty-dir", name);
    // The mode is set once, at creation, as the kubelet does: the container
    // may tighten it afterwards (the agent makes its state dir 0700, which
    // sshd's StrictModes insists on), and a later pod sync must not undo that.
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
      DRS_RETURN_IF_ERROR(MakeDirs(dir));
      ::chmod(dir.c_str(), kEmptyDirMode);
    }
    return PreparedVolume{.host_path = dir};
  }
  if (auto it = volume.find("hostPath"); it != volume.end()) return SetUpHostPath(*it, layout);
  if (auto it = volume.find("persistentVolumeClaim"); it != volume.end()) {
    return SetUpClaim(pod, *it, layout);
  }
  std::string kind = "unknown";
  for (const auto& [key, value] : volume.items()) {
    if (key != "name") kind = key;
  }
  return InvalidError("volume type \"" + kind + "\" is not supported by the process kubelet");
}

Result<PreparedVolume> VolumeManager::SetUpHostPath(const json& host_path,
                                                    const NodeLayout& layout) {
  const std::string node_path = Str(host_path, "path");
  if (CleanAbsolutePath(node_path).empty()) {
    return InvalidError("hostPath \"" + node_path + "\" is not absolute");
  }
  const std::string path = layout.HostPath(node_path);
  const std::string type = Str(host_path, "type");
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (type.empty() || type == "DirectoryOrCreate") {
    if (!exists) DRS_RETURN_IF_ERROR(MakeDirs(path));
  } else if (type == "FileOrCreate") {
    if (!exists) {
      DRS_RETURN_IF_ERROR(MakeDirs(fs::path(path).parent_path().string()));
      const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
      if (fd < 0) return UnavailableError("cannot create " + path);
      ::close(fd);
    }
  } else if (!exists) {
    return FailedPreconditionError("hostPath " + node_path + " (type " + type +
                                   ") does not exist on node " + layout.node());
  } else if ((type == "Directory" && !S_ISDIR(st.st_mode)) ||
             (type == "File" && !S_ISREG(st.st_mode)) ||
             (type == "Socket" && !S_ISSOCK(st.st_mode))) {
    return FailedPreconditionError("hostPath " + node_path + " is not a " + type);
  }
  return PreparedVolume{.host_path = path};
}

Result<PreparedVolume> VolumeManager::SetUpClaim(const json& pod, const json& claim_ref,
                                                 const NodeLayout& layout) {
  const std::string ns = kube::Namespace(pod);
  const std::string claim_name = Str(claim_ref, "claimName");
  const bool read_only = claim_ref.value("readOnly", false);
  ObjectPtr claim = lookup_.PersistentVolumeClaim(ns, claim_name);
  if (!claim)
    return NotFoundError("persistentvolumeclaim \"" + ns + "/" + claim_name + "\" not found");
  const std::string pv_name = Str((*claim).value("spec", json::object()), "volumeName");
  if (pv_name.empty()) {
    return FailedPreconditionError("persistentvolumeclaim \"" + ns + "/" + claim_name +
                                   "\" is not bound");
  }
  ObjectPtr pv = lookup_.PersistentVolume(pv_name);
  if (!pv) return NotFoundError("persistentvolume \"" + pv_name + "\" not found");
  const json spec = (*pv).value("spec", json::object());
  if (auto csi = spec.find("csi"); csi != spec.end()) {
    if (Str(*csi, "driver") != kTestbedCsiDriver) {
      return InvalidError("persistentvolume \"" + pv_name + "\" uses CSI driver \"" +
                          Str(*csi, "driver") + "\"; the process kubelet serves only " +
                          kTestbedCsiDriver);
    }
    const std::string data = NodeLayout::VolumeDataDir(cluster_dir_, pv_name);
    DRS_RETURN_IF_ERROR(MakeDirs(data));
    const std::string mount = layout.CsiMountDir(kube::Uid(pod), pv_name);
    DRS_RETURN_IF_ERROR(BindMount(data, mount));
    return PreparedVolume{.host_path = mount, .read_only = read_only};
  }
  for (const char* kind : {"hostPath", "local"}) {
    if (auto it = spec.find(kind); it != spec.end()) {
      DRS_ASSIGN_OR_RETURN(PreparedVolume v, SetUpHostPath({{"path", Str(*it, "path")}}, layout));
      v.read_only = read_only;
      return v;
    }
  }
  return InvalidError("persistentvolume \"" + pv_name +
                      "\" has a volume source the process "
                      "kubelet does not support (use CSI driver " +
                      kTestbedCsiDriver + ")");
}

Status VolumeManager::TearDown(const std::string& uid, const NodeLayout& layout) {
  const std::string pod_dir = layout.PodDir(uid);
  DRS_ASSIGN_OR_RETURN(const int unmounted, UnmountAllUnder(pod_dir));
  (void)unmounted;
  // Never delete through a mount: a PV's data would go with it.
  if (!MountPointsUnder(pod_dir).empty()) {
    return UnavailableError("mounts remain under " + pod_dir + "; not removing its volumes");
  }
  std::error_code ec;
  fs::remove_all(pod_dir + "/volumes", ec);
  if (ec) return UnavailableError("cannot remove " + pod_dir + "/volumes: " + ec.message());
  return OkStatus();
}

Status VolumeManager::RemovePod(const std::string& uid, const NodeLayout& layout) {
  DRS_RETURN_IF_ERROR(TearDown(uid, layout));
  std::error_code ec;
  fs::remove_all(layout.PodDir(uid), ec);
  fs::remove_all(layout.RuntimeDir() + "/" + uid, ec);
  return OkStatus();
}

}  // namespace drs::kubelet
