#include "kubelet/container_mounts.h"

#include <filesystem>

namespace drs::kubelet {
namespace {

using nlohmann::json;

std::string Str(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// subPath / subPathExpr of a volumeMount, checked to stay inside the volume.
Result<std::string> SubPath(const json& mount, const std::vector<EnvVar>& env) {
  std::string sub = Str(mount, "subPath");
  if (sub.empty() && mount.contains("subPathExpr")) {
    sub = ExpandArgs({Str(mount, "subPathExpr")}, env)[0];
  }
  if (sub.empty()) return sub;
  if (sub[0] == '/') return InvalidError("subPath \"" + sub + "\" must be relative");
  for (std::size_t start = 0; start <= sub.size();) {
    const std::size_t slash = sub.find('/', start);
    const std::string part =
        sub.substr(start, slash == std::string::npos ? sub.npos : slash - start);
    if (part == "..") return InvalidError("subPath \"" + sub + "\" must not contain '..'");
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return sub;
}

}  // namespace

Result<std::vector<ShimMount>> ContainerMounts(const json& container,
                                               const std::map<std::string, PreparedVolume>& volumes,
                                               const std::vector<EnvVar>& env,
                                               const ImageRule& rule, const ContainerFiles& files) {
  std::vector<ShimMount> mounts;
  for (const auto& m : container.value("volumeMounts", json::array())) {
    const std::string name = Str(m, "name");
    auto v = volumes.find(name);
    if (v == volumes.end()) return InvalidError("volume \"" + name + "\" not found");
    auto sub = SubPath(m, env);
    if (!sub.ok()) return std::move(sub).error().WithContext("volumeMount \"" + name + "\"");
    std::string source = v->second.host_path;
    if (!sub->empty()) {
      source += "/" + *sub;
      std::error_code ec;
      if (!std::filesystem::exists(source, ec)) std::filesystem::create_directories(source, ec);
    }
    const std::string propagation = Str(m, "mountPropagation");
    mounts.push_back(
        {.source = source,
         .target = Str(m, "mountPath"),
         .read_only = m.value("readOnly", false) || v->second.read_only,
         .host_to_container = propagation == "HostToContainer" || propagation == "Bidirectional"});
  }
  const std::string message_path = Str(container, "terminationMessagePath");
  mounts.push_back(
      {.source = files.termination_log,
       .target = message_path.empty() ? kDefaultTerminationMessagePath : message_path});
  for (const auto& [path, file] : rule.files) {
    mounts.push_back({.source = file, .target = path, .read_only = true});
  }
  mounts.push_back({.source = files.tmp_dir, .target = "/tmp"});
  mounts.push_back({.source = files.run_dir, .target = "/run"});
  return mounts;
}

}  // namespace drs::kubelet
