#include "agent/landlock_sandbox.h"

#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "base/unique_fd.h"

namespace drs::agent {
namespace {

// Access rights added after ABI 1, spelled out because the installed UAPI
// header may predate them. Values are the kernel's stable ABI.
constexpr std::uint64_t kAccessFsRefer = 1ULL << 13;       // ABI 2
constexpr std::uint64_t kAccessFsTruncate = 1ULL << 14;    // ABI 3
constexpr std::uint64_t kAccessFsIoctlDev = 1ULL << 15;    // ABI 5
constexpr std::uint64_t kAccessFsAbi1 = (1ULL << 13) - 1;  // EXECUTE .. MAKE_SYM

constexpr std::uint64_t kRead = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
constexpr std::uint64_t kReadExecute = kRead | LANDLOCK_ACCESS_FS_EXECUTE;
// Rights that make sense on a single file (the kernel refuses directory
// rights in a rule whose parent is not a directory).
constexpr std::uint64_t kFileRead = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_EXECUTE;
constexpr std::uint64_t kFileWrite = LANDLOCK_ACCESS_FS_WRITE_FILE;

constexpr int kAbiTruncate = 3;
constexpr int kAbiIoctlDev = 5;

std::uint64_t HandledRights(int abi) {
  std::uint64_t rights = kAccessFsAbi1 | kAccessFsRefer;
  if (abi >= kAbiTruncate) rights |= kAccessFsTruncate;
  if (abi >= kAbiIoctlDev) rights |= kAccessFsIoctlDev;
  return rights;
}

Error Failed(const std::string& what) {
  return InternalError("landlock: " + what + ": " + std::strerror(errno));
}

// Adds a rule for `path`; a missing path is skipped (false), not an error.
Result<bool> AddRule(int ruleset, const std::string& path, std::uint64_t rights) {
  UniqueFd fd(open(path.c_str(), O_PATH | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return false;
    return Failed("cannot open " + path);
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return Failed("cannot stat " + path);
  landlock_path_beneath_attr attr{};
  attr.allowed_access = S_ISDIR(st.st_mode) ? rights : (rights & (kFileRead | kFileWrite));
  attr.parent_fd = fd.get();
  if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &attr, 0) != 0) {
    return Failed("cannot add a rule for " + path);
  }
  return true;
}

}  // namespace

SandboxSpec RsyncSandboxSpec(const std::string& volume_dir, const std::string& rsync_binary) {
  return SandboxSpec{
      .readable_dir = volume_dir,
      .executable_trees = {"/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/libexec"},
      .readable_files = {rsync_binary, "/etc/ld.so.cache", "/etc/passwd", "/etc/group",
                         "/etc/nsswitch.conf", "/etc/localtime", "/etc/ssl/openssl.cnf"},
      .writable_files = {"/dev/null"},
  };
}

int LandlockAbiVersion() {
  const long abi =
      syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return abi < 0 ? 0 : static_cast<int>(abi);
}

Status RestrictToSandbox(const SandboxSpec& spec) {
  const int abi = LandlockAbiVersion();
  if (abi <= 0) return UnavailableError("landlock is not available in this kernel");
  landlock_ruleset_attr ruleset_attr{};
  ruleset_attr.handled_access_fs = HandledRights(abi);
  UniqueFd ruleset(static_cast<int>(
      syscall(SYS_landlock_create_ruleset, &ruleset_attr, sizeof ruleset_attr, 0)));
  if (!ruleset.valid()) return Failed("cannot create a ruleset");

  DRS_ASSIGN_OR_RETURN(const bool volume_added, AddRule(ruleset.get(), spec.readable_dir, kRead));
  if (!volume_added) return InternalError("landlock: volume " + spec.readable_dir + " is gone");
  for (const std::string& tree : spec.executable_trees) {
    DRS_RETURN_IF_ERROR(AddRule(ruleset.get(), tree, kReadExecute));
  }
  for (const std::string& file : spec.readable_files) {
    DRS_RETURN_IF_ERROR(AddRule(ruleset.get(), file, kFileRead));
  }
  for (const std::string& file : spec.writable_files) {
    DRS_RETURN_IF_ERROR(AddRule(ruleset.get(), file, kFileWrite | LANDLOCK_ACCESS_FS_READ_FILE));
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return Failed("cannot set no_new_privs");
  if (syscall(SYS_landlock_restrict_self, ruleset.get(), 0) != 0) {
    return Failed("cannot restrict the process");
  }
  return OkStatus();
}

}  // namespace drs::agent
