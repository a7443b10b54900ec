#include "kubelet/layout.h"

#include <vector>

namespace drs::kubelet {

std::string NodeLayout::HostPath(const std::string& node_path) const {
  const std::string clean = CleanAbsolutePath(node_path);
  return clean == "/" ? Root() : Root() + clean;
}

std::string NodeLayout::VolumeDir(const std::string& uid, const std::string& plugin,
                                  const std::string& name) const {
  return PodDir(uid) + "/volumes/kubernetes.io~" + plugin + "/" + name;
}

std::string NodeLayout::CsiMountDir(const std::string& uid, const std::string& pv) const {
  return VolumeDir(uid, "csi", pv) + "/mount";
}

std::string NodeLayout::ContainerDir(const std::string& uid, const std::string& container) const {
  return PodDir(uid) + "/containers/" + container;
}

std::string NodeLayout::PodLogDir(const std::string& ns, const std::string& pod,
                                  const std::string& uid) const {
  return Root() + "/var/log/pods/" + ns + "_" + pod + "_" + uid;
}

std::string NodeLayout::ContainerLog(const std::string& ns, const std::string& pod,
                                     const std::string& uid, const std::string& container,
                                     int restarts) const {
  return PodLogDir(ns, pod, uid) + "/" + container + "/" + std::to_string(restarts) + ".log";
}

std::string NodeLayout::RuntimeContainerDir(const std::string& uid,
                                            const std::string& container) const {
  return RuntimeDir() + "/" + uid + "/" + container;
}

std::string CleanAbsolutePath(const std::string& path) {
  if (path.empty() || path[0] != '/') return "";
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    std::size_t j = i;
    while (j < path.size() && path[j] != '/') ++j;
    const std::string part = path.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j;
  }
  std::string out;
  for (const auto& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

bool IsSafeComponent(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

}  // namespace drs::kubelet
