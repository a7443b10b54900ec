#include "source_tree.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <vector>

#include "base/unique_fd.h"

namespace drs::mover::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kSmallDirs = 10;
constexpr int kSmallFilesPerDir = 30;
constexpr std::int64_t kExtentBytes = 4096;
// 2001-09-09T01:46:40Z plus some nanoseconds: clearly not "now".
constexpr timespec kOldTime = {1'000'000'000, 123'456'789};

Status Errno(const std::string& what) { return InternalError(what + ": " + std::strerror(errno)); }

Status Check(int rc, const std::string& what) { return rc == 0 ? OkStatus() : Errno(what); }

Status WriteText(const std::string& path, const std::string& text, mode_t mode) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd.valid()) return Errno("open " + path);
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    return Errno("write " + path);
  }
  return Check(::fchmod(fd.get(), mode), "chmod " + path);  // beat the umask
}

Status MakeDir(const std::string& path, mode_t mode) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) return InternalError("mkdir " + path + ": " + ec.message());
  return Check(::chmod(path.c_str(), mode), "chmod " + path);
}

// A POSIX ACL in the kernel's xattr format granting uid 1234 read access.
std::vector<std::uint8_t> ExtendedAcl() {
  struct Entry {
    std::uint16_t tag;
    std::uint16_t perm;
    std::uint32_t id;
  };
  constexpr std::uint32_t kNoId = 0xffffffffU;
  const std::array<Entry, 5> entries = {{{0x01, 6, kNoId},    // user::rw-
                                         {0x02, 4, 1234},     // user:1234:r--
                                         {0x04, 4, kNoId},    // group::r--
                                         {0x10, 4, kNoId},    // mask::r--
                                         {0x20, 4, kNoId}}};  // other::r--
  std::vector<std::uint8_t> blob;
  const auto put = [&](std::uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) blob.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  put(2, 4);
  for (const Entry& e : entries) {
    put(e.tag, 2);
    put(e.perm, 2);
    put(e.id, 4);
  }
  return blob;
}

Status SmallFiles(const std::string& root) {
  for (int d = 0; d < kSmallDirs; ++d) {
    const std::string dir = root + "/small/d" + std::to_string(d);
    DRS_RETURN_IF_ERROR(MakeDir(dir, 0755));
    for (int f = 0; f < kSmallFilesPerDir; ++f) {
      const int n = d * kSmallFilesPerDir + f;
      DRS_RETURN_IF_ERROR(WriteRandomFile(dir + "/f" + std::to_string(f), (n * 37) % 4096,
                                          static_cast<std::uint64_t>(n + 1)));
    }
  }
  return OkStatus();
}

Status LinksAndPermissions(const std::string& r) {
  DRS_RETURN_IF_ERROR(MakeDir(r + "/a/b/c/d", 0755));
  DRS_RETURN_IF_ERROR(MakeDir(r + "/a/b/empty-too", 0700));
  DRS_RETURN_IF_ERROR(MakeDir(r + "/empty", 0755));
  DRS_RETURN_IF_ERROR(WriteText(r + "/a/b/c/d/deep.txt", "deep down\n", 0644));
  DRS_RETURN_IF_ERROR(Check(::symlink("b/c/d/deep.txt", (r + "/a/rel-link").c_str()), "symlink"));
  DRS_RETURN_IF_ERROR(Check(::symlink("nowhere/missing", (r + "/dangling").c_str()), "symlink"));
  DRS_RETURN_IF_ERROR(Check(::symlink("/etc/hostname", (r + "/abs-link").c_str()), "symlink"));
  DRS_RETURN_IF_ERROR(MakeDir(r + "/hard", 0755));
  DRS_RETURN_IF_ERROR(WriteText(r + "/hard/one", "one inode, three names\n", 0640));
  DRS_RETURN_IF_ERROR(Check(::link((r + "/hard/one").c_str(), (r + "/hard/two").c_str()), "link"));
  DRS_RETURN_IF_ERROR(Check(::link((r + "/hard/one").c_str(), (r + "/a/three").c_str()), "link"));
  DRS_RETURN_IF_ERROR(MakeDir(r + "/shared", 02775));
  DRS_RETURN_IF_ERROR(MakeDir(r + "/sticky", 01777));
  DRS_RETURN_IF_ERROR(WriteText(r + "/secret.key", "not for others\n", 0600));
  DRS_RETURN_IF_ERROR(WriteText(r + "/run.sh", "#!/bin/sh\necho hi\n", 0755));
  DRS_RETURN_IF_ERROR(WriteText(r + "/readonly.txt", "look, do not touch\n", 0444));
  DRS_RETURN_IF_ERROR(MakeDir(r + "/owned", 0750));
  DRS_RETURN_IF_ERROR(WriteText(r + "/owned/by-1234", "someone else's\n", 0640));
  DRS_RETURN_IF_ERROR(Check(::symlink("by-1234", (r + "/owned/link").c_str()), "symlink"));
  DRS_RETURN_IF_ERROR(Check(::chown((r + "/owned/by-1234").c_str(), 1234, 5678), "chown"));
  DRS_RETURN_IF_ERROR(Check(::lchown((r + "/owned/link").c_str(), 4321, 4321), "lchown"));
  DRS_RETURN_IF_ERROR(Check(::chown((r + "/owned").c_str(), 1001, 1001), "chown"));
  return Check(::mkfifo((r + "/fifo").c_str(), 0620), "mkfifo");
}

Status SparseFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) return Errno("open " + path);
  DRS_RETURN_IF_ERROR(Check(::ftruncate(fd.get(), kSparseFileBytes), "ftruncate " + path));
  const std::string extent(kExtentBytes, 's');
  for (off_t at : {off_t{0}, off_t{kSparseFileBytes / 2}}) {
    if (::pwrite(fd.get(), extent.data(), extent.size(), at) != kExtentBytes) {
      return Errno("pwrite " + path);
    }
  }
  return OkStatus();
}

Status NamesAndAttributes(const std::string& r) {
  DRS_RETURN_IF_ERROR(MakeDir(r + "/ünïcødé", 0755));
  DRS_RETURN_IF_ERROR(WriteText(r + "/ünïcødé/日本語.txt", "こんにちは\n", 0644));
  DRS_RETURN_IF_ERROR(WriteText(r + "/emoji-😀.txt", "smile\n", 0644));
  DRS_RETURN_IF_ERROR(WriteText(r + "/with space.txt", "spaced\n", 0644));
  DRS_RETURN_IF_ERROR(WriteText(r + "/new\nline.txt", "newline in the name\n", 0644));
  DRS_RETURN_IF_ERROR(WriteText(r + "/star*[x]?.txt", "wildcards in the name\n", 0644));
  DRS_RETURN_IF_ERROR(WriteText(r + "/xattr.txt", "has attributes\n", 0644));
  const std::string color = "blue";
  DRS_RETURN_IF_ERROR(
      Check(::setxattr((r + "/xattr.txt").c_str(), "user.color", color.data(), color.size(), 0),
            "setxattr"));
  const std::vector<std::uint8_t> acl = ExtendedAcl();
  return Check(
      ::setxattr((r + "/xattr.txt").c_str(), "system.posix_acl_access", acl.data(), acl.size(), 0),
      "set ACL");
}

}  // namespace

Status WriteRandomFile(const std::string& path, std::int64_t size, std::uint64_t seed) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) return Errno("open " + path);
  std::mt19937_64 rng(seed);
  std::vector<std::uint64_t> chunk(1 << 17);  // 1 MiB
  for (std::int64_t left = size; left > 0;) {
    for (auto& word : chunk) word = rng();
    const auto n = static_cast<std::size_t>(
        std::min<std::int64_t>(left, static_cast<std::int64_t>(chunk.size() * 8)));
    if (::write(fd.get(), chunk.data(), n) != static_cast<ssize_t>(n)) {
      return Errno("write " + path);
    }
    left -= static_cast<std::int64_t>(n);
  }
  return Check(::fchmod(fd.get(), 0644), "chmod " + path);
}

Status BuildRichTree(const std::string& root) {
  DRS_RETURN_IF_ERROR(SmallFiles(root));
  DRS_RETURN_IF_ERROR(WriteRandomFile(root + "/" + std::string(kBigFile), kBigFileBytes, 99));
  DRS_RETURN_IF_ERROR(LinksAndPermissions(root));
  DRS_RETURN_IF_ERROR(SparseFile(root + "/" + std::string(kSparseFile)));
  DRS_RETURN_IF_ERROR(NamesAndAttributes(root));
  const std::array<timespec, 2> old = {kOldTime, kOldTime};
  for (const char* name : {"secret.key", "readonly.txt", "a/b/c/d/deep.txt", "hard/one"}) {
    DRS_RETURN_IF_ERROR(
        Check(::utimensat(AT_FDCWD, (root + "/" + name).c_str(), old.data(), 0), "utimensat"));
  }
  return OkStatus();
}

Status CorruptByteKeepingTimes(const std::string& path, std::int64_t offset) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Errno("stat " + path);
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (!fd.valid()) return Errno("open " + path);
  unsigned char byte = 0;
  if (::pread(fd.get(), &byte, 1, offset) != 1) return Errno("pread " + path);
  byte = static_cast<unsigned char>(byte ^ 0xffU);
  if (::pwrite(fd.get(), &byte, 1, offset) != 1) return Errno("pwrite " + path);
  const std::array<timespec, 2> times = {st.st_atim, st.st_mtim};
  return Check(::futimens(fd.get(), times.data()), "futimens " + path);
}

}  // namespace drs::mover::testing
