#include "mover/destination_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "base/unique_fd.h"

namespace drs::mover {
namespace {

constexpr mode_t kTempDirMode = 0700;
constexpr std::string_view kProbeXattr = "user.dr-syncer-probe";
constexpr std::string_view kAclXattr = "system.posix_acl_access";

// A minimal access ACL in the kernel's xattr format (little-endian header
// version 2, then {tag u16, perm u16, id u32} entries): user::rw-,
// group::---, other::---. It only restates the mode, so setting it changes
// nothing, but a file system without ACL support refuses it (EOPNOTSUPP).
std::array<std::uint8_t, 28> MinimalAcl() {
  constexpr std::uint32_t kVersion = 2;
  constexpr std::uint16_t kUserObj = 0x01;
  constexpr std::uint16_t kGroupObj = 0x04;
  constexpr std::uint16_t kOther = 0x20;
  constexpr std::uint32_t kUndefinedId = 0xffffffffU;
  std::array<std::uint8_t, 28> blob{};
  std::size_t at = 0;
  const auto put = [&](std::uint32_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) {
      blob[at++] = static_cast<std::uint8_t>((value >> (8 * i)) & 0xffU);
    }
  };
  put(kVersion, 4);
  for (const auto& [tag, perm] : {std::pair{kUserObj, 6}, {kGroupObj, 0}, {kOther, 0}}) {
    put(tag, 2);
    put(static_cast<std::uint32_t>(perm), 2);
    put(kUndefinedId, 4);
  }
  return blob;
}

Status RestoreTimes(const std::string& dest, const struct stat& before) {
  const std::array<timespec, 2> times = {before.st_atim, before.st_mtim};
  if (::utimensat(AT_FDCWD, dest.c_str(), times.data(), 0) != 0) {
    return FailedPreconditionError("cannot restore the modification time of " + dest + ": " +
                                   std::strerror(errno));
  }
  return OkStatus();
}

std::string TempDir(const std::string& dest) {
  return (std::filesystem::path(dest) / std::string(kTempDirName)).string();
}

}  // namespace

Status CheckDestination(const std::string& dest) {
  struct stat st {};
  if (::stat(dest.c_str(), &st) != 0) {
    return FailedPreconditionError("destination " + dest + ": " + std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) {
    return FailedPreconditionError("destination " + dest + " is not a directory");
  }
  if (::access(dest.c_str(), W_OK | X_OK) != 0) {
    return FailedPreconditionError("destination " + dest +
                                   " is not writable: " + std::strerror(errno));
  }
  return OkStatus();
}

Status PrepareTempDir(const std::string& dest) {
  DRS_RETURN_IF_ERROR(RemoveTempDir(dest));
  // Adding the entry changes the destination's modification time; put it
  // back, or a verification of an unchanged copy would see it differ.
  struct stat before {};
  const bool have_times = ::stat(dest.c_str(), &before) == 0;
  const std::string dir = TempDir(dest);
  if (::mkdir(dir.c_str(), kTempDirMode) != 0) {
    return FailedPreconditionError("cannot create " + dir + ": " + std::strerror(errno));
  }
  if (have_times) return RestoreTimes(dest, before);
  return OkStatus();
}

Status RemoveTempDir(const std::string& dest) {
  // Removing an entry changes the destination's modification time, which
  // rsync has just set to the source's: put it back.
  struct stat before {};
  const bool have_times = ::stat(dest.c_str(), &before) == 0;
  std::error_code ec;
  // remove_all removes a symlink itself, never what it points to.
  const auto removed = std::filesystem::remove_all(TempDir(dest), ec);
  if (ec) return FailedPreconditionError("cannot remove " + TempDir(dest) + ": " + ec.message());
  if (removed > 0 && have_times) return RestoreTimes(dest, before);
  return OkStatus();
}

DestinationSupport ProbeDestinationSupport(const std::string& dest) {
  std::string path = TempDir(dest) + "/probe-XXXXXX";
  UniqueFd fd(::mkostemp(path.data(), O_CLOEXEC));
  if (!fd.valid()) return {};
  DestinationSupport support;
  constexpr char kValue = '1';
  support.xattrs = ::fsetxattr(fd.get(), kProbeXattr.data(), &kValue, 1, 0) == 0;
  const auto acl = MinimalAcl();
  support.acls = ::fsetxattr(fd.get(), kAclXattr.data(), acl.data(), acl.size(), 0) == 0;
  ::unlink(path.c_str());
  return support;
}

}  // namespace drs::mover
