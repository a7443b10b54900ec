#include "kubelet/host_mounts.h"

#include <sys/mount.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "base/file_util.h"

namespace drs::kubelet {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string Unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      const auto octal = s.substr(i + 1, 3);
      if (std::all_of(octal.begin(), octal.end(), [](char c) { return c >= '0' && c <= '7'; })) {
        out += static_cast<char>((octal[0] - '0') * 64 + (octal[1] - '0') * 8 + (octal[2] - '0'));
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

bool UnderOrAt(const std::string& path, const std::string& prefix) {
  return path == prefix || path.starts_with(prefix + "/");
}

}  // namespace

std::vector<MountInfoEntry> ParseMountInfo(std::string_view text) {
  std::vector<MountInfoEntry> out;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, mount_point, options;
    if (!(fields >> id >> parent >> dev >> root >> mount_point >> options)) continue;
    std::string optional, field;
    while (fields >> field && field != "-") optional += (optional.empty() ? "" : " ") + field;
    if (field != "-") continue;  // no separator: not a mountinfo line
    out.push_back({Unescape(root), Unescape(mount_point), optional});
  }
  return out;
}

std::vector<std::string> MountPointsUnder(const std::string& prefix) {
  auto text = ReadFileToString("/proc/self/mountinfo");
  std::vector<std::string> out;
  if (!text.ok()) return out;
  for (auto& e : ParseMountInfo(*text)) {
    if (UnderOrAt(e.mount_point, prefix)) out.push_back(std::move(e.mount_point));
  }
  // Deepest first; a path mounted twice appears twice (both are unmounted).
  std::stable_sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    return std::count(a.begin(), a.end(), '/') > std::count(b.begin(), b.end(), '/');
  });
  return out;
}

bool IsMountPoint(const std::string& path) {
  auto text = ReadFileToString("/proc/self/mountinfo");
  if (!text.ok()) return false;
  for (const auto& e : ParseMountInfo(*text)) {
    if (e.mount_point == path) return true;
  }
  return false;
}

Status MakeSharedMount(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!IsMountPoint(dir) && ::mount(dir.c_str(), dir.c_str(), nullptr, MS_BIND, nullptr) != 0) {
    return UnavailableError("cannot bind-mount " + dir + " onto itself: " + std::strerror(errno));
  }
  if (::mount(nullptr, dir.c_str(), nullptr, MS_SHARED, nullptr) != 0) {
    return UnavailableError("cannot make " + dir + " shared: " + std::strerror(errno));
  }
  return OkStatus();
}

Status BindMount(const std::string& source, const std::string& target) {
  std::error_code ec;
  std::filesystem::create_directories(target, ec);
  if (ec) return UnavailableError("cannot create " + target + ": " + ec.message());
  if (IsMountPoint(target)) return OkStatus();
  if (::mount(source.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0) {
    return UnavailableError("cannot bind-mount " + source + " at " + target + ": " +
                            std::strerror(errno));
  }
  return OkStatus();
}

Status Unmount(const std::string& target) {
  if (::umount2(target.c_str(), UMOUNT_NOFOLLOW) == 0) return OkStatus();
  if (errno == EINVAL || errno == ENOENT) return OkStatus();  // not (or no longer) mounted
  // Busy (a process inside, an rsync reading): detach now, freed when unused.
  if (errno == EBUSY && ::umount2(target.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0) {
    return OkStatus();
  }
  return UnavailableError("cannot unmount " + target + ": " + std::strerror(errno));
}

Result<int> UnmountAllUnder(const std::string& prefix) {
  int count = 0;
  for (const auto& mount_point : MountPointsUnder(prefix)) {
    if (::umount2(mount_point.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) != 0 && errno != EINVAL &&
        errno != ENOENT) {
      return UnavailableError("cannot unmount " + mount_point + ": " + std::strerror(errno));
    }
    ++count;
  }
  return count;
}

}  // namespace drs::kubelet
