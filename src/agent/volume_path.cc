#include "agent/volume_path.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "agent/identifiers.h"

namespace drs::agent {
namespace {

constexpr std::string_view kPvcPrefix = "pvc/";
constexpr std::string_view kCsiPlugin = "kubernetes.io~csi";
constexpr std::string_view kCsiMountDir = "mount";
// Pod volume kinds that are never PersistentVolumes: a PV that happened to
// share a name with one of these pod volumes must not resolve to it.
constexpr std::string_view kNonPersistentPlugins[] = {
    "kubernetes.io~empty-dir", "kubernetes.io~secret",       "kubernetes.io~configmap",
    "kubernetes.io~projected", "kubernetes.io~downward-api", "kubernetes.io~git-repo"};

Error Refused(std::string reason) { return Error(ErrorCode::kPermissionDenied, std::move(reason)); }

struct DirCloser {
  void operator()(DIR* dir) const { closedir(dir); }
};

// Directory entries except . and .., sorted so resolution is deterministic.
Result<std::vector<std::string>> ListDir(const std::string& path) {
  std::unique_ptr<DIR, DirCloser> dir(opendir(path.c_str()));
  if (!dir) {
    return UnavailableError("cannot list " + path + ": " + std::strerror(errno));
  }
  std::vector<std::string> names;
  while (const dirent* entry = readdir(dir.get())) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

enum class Kind { kMissing, kDirectory, kSymlink, kOther };

Kind KindOf(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return Kind::kMissing;
  if (S_ISLNK(st.st_mode)) return Kind::kSymlink;
  return S_ISDIR(st.st_mode) ? Kind::kDirectory : Kind::kOther;
}

Result<std::string> RealPath(const std::string& path) {
  char buffer[PATH_MAX];
  if (realpath(path.c_str(), buffer) == nullptr) {
    return UnavailableError("cannot resolve " + path + ": " + std::strerror(errno));
  }
  return std::string(buffer);
}

bool IsPersistentPlugin(std::string_view plugin) {
  // In-tree plugins are "kubernetes.io~<name>"; flexvolumes "<vendor>~<driver>".
  if (plugin.find('~') == std::string_view::npos || plugin.starts_with('.')) return false;
  return std::find(std::begin(kNonPersistentPlugins), std::end(kNonPersistentPlugins), plugin) ==
         std::end(kNonPersistentPlugins);
}

// Checks one candidate directory: no symlink on the way from the pods dir
// (realpath must give back exactly the path we built) and a directory at
// the end. Empty result: the candidate does not exist.
Result<std::string> CheckCandidate(const std::string& pods_real, const std::string& relative) {
  const std::string path = pods_real + "/" + relative;
  std::string walked = pods_real;
  std::size_t start = 0;
  while (start <= relative.size()) {
    const std::size_t slash = relative.find('/', start);
    const std::size_t end = slash == std::string::npos ? relative.size() : slash;
    walked += "/" + relative.substr(start, end - start);
    switch (KindOf(walked)) {
      case Kind::kMissing:
        return std::string();
      case Kind::kSymlink:
        return Refused("symlink in the kubelet tree at " + walked + " refused");
      case Kind::kOther:
        return Refused(walked + " is not a directory");
      case Kind::kDirectory:
        break;
    }
    start = end + 1;
  }
  DRS_ASSIGN_OR_RETURN(const std::string real, RealPath(path));
  if (real != path || !real.starts_with(pods_real + "/")) {
    return Refused("volume directory " + path + " resolves to " + real +
                   ", outside the kubelet pods directory");
  }
  return path;
}

}  // namespace

Result<LogicalVolumePath> ParseLogicalVolumePath(std::string_view path) {
  const std::string quoted = "\"" + std::string(path) + "\"";
  if (path.starts_with('/')) return Refused("absolute path " + quoted + " refused");
  if (path == ".." || path.starts_with("../") || path.ends_with("/..") ||
      path.find("/../") != std::string_view::npos) {
    return Refused("path traversal (..) in " + quoted + " refused");
  }
  if (!path.starts_with(kPvcPrefix)) {
    return Refused("path " + quoted + " is not a volume path pvc/<namespace>/<claim>/");
  }
  const std::string_view rest = path.substr(kPvcPrefix.size());
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos || !rest.ends_with('/') ||
      rest.find('/', slash + 1) != rest.size() - 1) {
    return Refused("path " + quoted + " must be exactly pvc/<namespace>/<claim>/");
  }
  LogicalVolumePath parsed{.ns = std::string(rest.substr(0, slash)),
                           .claim = std::string(rest.substr(slash + 1, rest.size() - slash - 2))};
  if (!IsDnsLabel(parsed.ns)) {
    return Refused("namespace \"" + parsed.ns + "\" in " + quoted + " is not a valid namespace");
  }
  if (!IsDnsSubdomain(parsed.claim)) {
    return Refused("claim \"" + parsed.claim + "\" in " + quoted + " is not a valid claim name");
  }
  return parsed;
}

Result<std::string> ResolveVolumeDir(const std::string& pods_dir, std::string_view volume_name) {
  if (!IsDnsSubdomain(volume_name)) {
    return InvalidError("volume name \"" + std::string(volume_name) + "\" is not valid");
  }
  DRS_ASSIGN_OR_RETURN(const std::string pods_real, RealPath(pods_dir));
  DRS_ASSIGN_OR_RETURN(const std::vector<std::string> pods, ListDir(pods_real));
  const std::string volume(volume_name);
  for (const std::string& uid : pods) {
    if (!IsPlainWord(uid) || uid.starts_with('.')) continue;
    const std::string volumes = uid + "/volumes";
    // A symlink where the kubelet only makes directories is tampering:
    // refuse rather than skip, so it is noticed.
    for (const std::string& step : {uid, volumes}) {
      if (KindOf(pods_real + "/" + step) == Kind::kSymlink) {
        return Refused("symlink in the kubelet tree at " + pods_real + "/" + step + " refused");
      }
    }
    if (KindOf(pods_real + "/" + volumes) != Kind::kDirectory) continue;
    auto plugins = ListDir(pods_real + "/" + volumes);
    if (!plugins.ok()) continue;  // a pod being torn down; others may still hold the volume
    for (const std::string& plugin : *plugins) {
      if (!IsPersistentPlugin(plugin)) continue;
      std::string relative = volumes + "/" + plugin + "/" + volume;
      if (plugin == kCsiPlugin) relative += "/" + std::string(kCsiMountDir);
      DRS_ASSIGN_OR_RETURN(std::string found, CheckCandidate(pods_real, relative));
      if (!found.empty()) return found;
    }
  }
  return NotFoundError("volume " + volume + " is not mounted by any pod on this node (under " +
                       pods_dir + ")");
}

}  // namespace drs::agent
