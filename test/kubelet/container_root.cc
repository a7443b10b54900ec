#include "kubelet/container_root.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <deque>
#include <vector>

#include "kubelet/layout.h"

namespace drs::kubelet {
namespace {

// Symlinks followed while resolving one path, as the kernel's MAXSYMLINKS.
constexpr int kMaxSymlinks = 40;
constexpr mode_t kDirMode = 0755;

Error Errno(const std::string& what) {
  return UnavailableError(what + ": " + std::strerror(errno));
}

Status Mount(const char* source, const std::string& target, const char* type, unsigned long flags,
             const char* data, const std::string& what) {
  if (::mount(source, target.c_str(), type, flags, data) != 0) return Errno(what);
  return OkStatus();
}

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    const std::size_t j = path.find('/', i);
    const std::string part = path.substr(i, j == std::string::npos ? std::string::npos : j - i);
    if (!part.empty()) parts.push_back(part);
    if (j == std::string::npos) break;
    i = j + 1;
  }
  return parts;
}

std::string Join(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

// Fills `dest` with one placeholder per entry of `source`, each a recursive
// bind mount of the original (symlinks copied as symlinks). An entry that
// cannot be bound is left out with a note in the log: a mirror of /dev
// without one exotic node is better than no container at all.
Status MirrorEntries(const std::string& source, const std::string& dest) {
  DIR* dir = ::opendir(source.c_str());
  if (dir == nullptr) return Errno("cannot read " + source);
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(dir)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(dir);
  for (const auto& name : names) {
    const std::string from = source == "/" ? "/" + name : source + "/" + name;
    const std::string to = dest + "/" + name;
    struct stat st {};
    if (::lstat(from.c_str(), &st) != 0) continue;  // gone meanwhile
    if (S_ISLNK(st.st_mode)) {
      std::vector<char> buf(PATH_MAX);
      const ssize_t n = ::readlink(from.c_str(), buf.data(), buf.size() - 1);
      if (n < 0 || ::symlink(std::string(buf.data(), static_cast<std::size_t>(n)).c_str(),
                             to.c_str()) != 0) {
        std::fprintf(stderr, "process-kubelet: mirror: skipping symlink %s: %s\n", from.c_str(),
                     std::strerror(errno));
      }
      continue;
    }
    const bool is_dir = S_ISDIR(st.st_mode);
    const int made = is_dir ? ::mkdir(to.c_str(), st.st_mode & 07777)
                            : ::close(::open(to.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
    if (made != 0 || ::mount(from.c_str(), to.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
      std::fprintf(stderr, "process-kubelet: mirror: skipping %s: %s\n", from.c_str(),
                   std::strerror(errno));
    }
  }
  return OkStatus();
}

}  // namespace

ContainerRoot::ContainerRoot(std::string scratch_dir)
    : scratch_(std::move(scratch_dir)), root_(scratch_ + "/root") {}

std::string ContainerRoot::HostPathOf(const std::string& container_path) const {
  return container_path == "/" ? root_ : root_ + container_path;
}

Status ContainerRoot::Prepare() {
  // Host mounts still reach us (HostToContainer needs them); ours never leave.
  DRS_RETURN_IF_ERROR(Mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr,
                            "cannot make the mount namespace a slave of the host"));
  DRS_RETURN_IF_ERROR(Mount("tmpfs", scratch_, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700",
                            "cannot mount the scratch tmpfs on " + scratch_));
  DRS_RETURN_IF_ERROR(Mount(nullptr, scratch_, nullptr, MS_UNBINDABLE, nullptr,
                            "cannot make " + scratch_ + " unbindable"));
  if (::mkdir(root_.c_str(), kDirMode) != 0) return Errno("cannot create " + root_);
  DRS_RETURN_IF_ERROR(
      Mount("tmpfs", root_, "tmpfs", 0, "mode=0755", "cannot mount the root tmpfs on " + root_));
  DRS_RETURN_IF_ERROR(MirrorEntries("/", root_));
  DRS_RETURN_IF_ERROR(Mount(nullptr, root_, nullptr, MS_REC | MS_PRIVATE, nullptr,
                            "cannot make the container root private"));
  writable_.insert("/");
  return OkStatus();
}

Status ContainerRoot::Mirror(const std::string& container_dir) {
  const std::string host_dir = HostPathOf(container_dir);
  struct stat st {};
  if (::stat(host_dir.c_str(), &st) != 0) return Errno("cannot stat " + container_dir);
  const std::string mirror = scratch_ + "/mirror-" + std::to_string(mirrors_++);
  if (::mkdir(mirror.c_str(), kDirMode) != 0) return Errno("cannot create " + mirror);
  char options[32];
  std::snprintf(options, sizeof options, "mode=%o", st.st_mode & 07777);
  DRS_RETURN_IF_ERROR(Mount("tmpfs", mirror, "tmpfs", 0, options, "cannot mount " + mirror));
  DRS_RETURN_IF_ERROR(MirrorEntries(host_dir, mirror));
  DRS_RETURN_IF_ERROR(Mount(mirror.c_str(), host_dir, nullptr, MS_MOVE, nullptr,
                            "cannot move the mirror of " + container_dir + " into place"));
  writable_.insert(container_dir);
  return OkStatus();
}

Result<std::string> ContainerRoot::EnsurePath(const std::string& container_path, bool last_is_dir) {
  const std::string clean = CleanAbsolutePath(container_path);
  if (clean.empty()) return InvalidError("\"" + container_path + "\" is not an absolute path");
  std::deque<std::string> todo;
  for (auto& p : Split(clean)) todo.push_back(std::move(p));
  std::string cur = "/";
  int links = 0;
  while (!todo.empty()) {
    const std::string part = todo.front();
    todo.pop_front();
    const bool last = todo.empty();
    if (part == "..") {
      cur = CleanAbsolutePath(cur + "/..");
      continue;
    }
    const std::string next = Join(cur, part);
    const std::string host = HostPathOf(next);
    struct stat st {};
    if (::lstat(host.c_str(), &st) == 0) {
      if (S_ISLNK(st.st_mode)) {
        // Follow inside the view: an absolute target restarts at its root.
        if (++links > kMaxSymlinks) return InvalidError("too many symlinks in " + container_path);
        std::vector<char> buf(PATH_MAX);
        const ssize_t n = ::readlink(host.c_str(), buf.data(), buf.size() - 1);
        if (n < 0) return Errno("cannot read link " + next);
        const std::string target(buf.data(), static_cast<std::size_t>(n));
        const auto parts = Split(target);
        todo.insert(todo.begin(), parts.begin(), parts.end());
        if (!target.empty() && target[0] == '/') cur = "/";
        continue;
      }
      if (!last && !S_ISDIR(st.st_mode)) return InvalidError(next + " is not a directory");
      if (last && S_ISDIR(st.st_mode) != last_is_dir) {
        return InvalidError(next + (last_is_dir ? " is not a directory" : " is a directory") +
                            " but the volume is" + (last_is_dir ? " one" : " a file"));
      }
      cur = next;
      continue;
    }
    if (errno != ENOENT) return Errno("cannot stat " + next);
    // Inside a volume a missing mountpoint is made in the volume, as runc
    // does; elsewhere the host's directory is mirrored first.
    if (!writable_.contains(cur) && !InVolume(cur)) DRS_RETURN_IF_ERROR(Mirror(cur));
    if (last && !last_is_dir) {
      const int fd = ::open(host.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
      if (fd < 0) return Errno("cannot create " + next);
      ::close(fd);
    } else {
      if (::mkdir(host.c_str(), kDirMode) != 0) return Errno("cannot create " + next);
      writable_.insert(next);
    }
    cur = next;
  }
  return cur;
}

Status ContainerRoot::AddMount(const ShimMount& m) {
  struct stat st {};
  if (::stat(m.source.c_str(), &st) != 0) return Errno("volume source " + m.source);
  DRS_ASSIGN_OR_RETURN(const std::string target, EnsurePath(m.target, S_ISDIR(st.st_mode)));
  if (target == "/") return InvalidError("cannot mount a volume over the container's root");
  const std::string host = HostPathOf(target);
  const std::string what = m.source + " on " + m.target;
  DRS_RETURN_IF_ERROR(
      Mount(m.source.c_str(), host, nullptr, MS_BIND | MS_REC, nullptr, "cannot mount " + what));
  DRS_RETURN_IF_ERROR(Mount(nullptr, host, nullptr,
                            MS_REC | (m.host_to_container ? MS_SLAVE : MS_PRIVATE), nullptr,
                            "cannot set the propagation of " + what));
  if (m.read_only) {
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_RDONLY;
    if (::mount_setattr(AT_FDCWD, host.c_str(), AT_RECURSIVE, &attr, sizeof attr) != 0) {
      return Errno("cannot make " + what + " read-only");
    }
  }
  // The volume now covers the directory: it is no longer ours to write in.
  writable_.erase(target);
  volumes_.insert(target);
  return OkStatus();
}

Status ContainerRoot::EnsureDirectory(const std::string& container_path) {
  auto made = EnsurePath(container_path, true);
  if (!made.ok()) return std::move(made).error();
  return OkStatus();
}

bool ContainerRoot::InVolume(const std::string& container_path) const {
  for (const auto& v : volumes_) {
    if (container_path == v || container_path.starts_with(v + "/")) return true;
  }
  return false;
}

Status ContainerRoot::Enter(const std::string& working_dir) {
  if (::chdir(root_.c_str()) != 0) return Errno("cannot enter " + root_);
  if (::chroot(".") != 0) return Errno("cannot chroot into " + root_);
  const std::string dir = working_dir.empty() ? "/" : working_dir;
  if (::chdir(dir.c_str()) != 0) return Errno("cannot change to working directory " + dir);
  return OkStatus();
}

}  // namespace drs::kubelet
