#include "tree_manifest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <sstream>
#include <utility>
#include <vector>

#include <openssl/evp.h>

#include "base/unique_fd.h"

namespace drs::mover::testing {
namespace {

namespace fs = std::filesystem;

std::string Hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < size; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0xf];
  }
  return out;
}

Result<std::string> Sha256(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return InternalError("open " + path + ": " + std::strerror(errno));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 20);
  while (true) {
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return InternalError("read " + path + ": " + std::strerror(errno));
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<std::size_t>(n));
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), digest.data(), &len);
  return Hex(digest.data(), len);
}

std::map<std::string, std::string> Xattrs(const std::string& path) {
  std::map<std::string, std::string> out;
  std::vector<char> names(64 * 1024);
  const ssize_t n = ::llistxattr(path.c_str(), names.data(), names.size());
  for (ssize_t i = 0; i < n;) {
    const std::string name(names.data() + i);
    i += static_cast<ssize_t>(name.size()) + 1;
    std::vector<unsigned char> value(64 * 1024);
    const ssize_t len = ::lgetxattr(path.c_str(), name.c_str(), value.data(), value.size());
    if (len >= 0) out[name] = Hex(value.data(), static_cast<std::size_t>(len));
  }
  return out;
}

char TypeOf(mode_t mode) {
  if (S_ISREG(mode)) return 'f';
  if (S_ISDIR(mode)) return 'd';
  if (S_ISLNK(mode)) return 'l';
  if (S_ISFIFO(mode)) return 'p';
  return '?';
}

Result<ManifestEntry> Describe(const std::string& path, const struct stat& st) {
  ManifestEntry e;
  e.type = TypeOf(st.st_mode);
  e.mode = st.st_mode & 07777;
  e.uid = st.st_uid;
  e.gid = st.st_gid;
  e.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  e.blocks_512 = st.st_blocks;
  e.xattrs = Xattrs(path);
  if (e.type == 'f') {
    e.size = st.st_size;
    DRS_ASSIGN_OR_RETURN(e.sha256, Sha256(path));
  } else if (e.type == 'l') {
    std::error_code ec;
    e.link_target = fs::read_symlink(path, ec).string();
    e.mode = 0;  // Linux ignores symlink permissions; rsync cannot set them
  }
  return e;
}

}  // namespace

Result<TreeManifest> BuildManifest(const std::string& root, const std::set<std::string>& skip) {
  TreeManifest manifest;
  std::map<std::pair<dev_t, ino_t>, std::vector<std::string>> inodes;
  struct stat st {};
  if (::lstat(root.c_str(), &st) != 0) return NotFoundError("lstat " + root);
  DRS_ASSIGN_OR_RETURN(manifest["."], Describe(root, st));
  std::error_code ec;
  fs::recursive_directory_iterator it(root, ec);
  if (ec) return InternalError("cannot walk " + root + ": " + ec.message());
  for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) return InternalError("cannot walk " + root + ": " + ec.message());
    if (skip.contains(it->path().filename().string())) {
      it.disable_recursion_pending();
      continue;
    }
    const std::string path = it->path().string();
    if (::lstat(path.c_str(), &st) != 0) return InternalError("lstat " + path);
    const std::string rel = it->path().lexically_relative(root).string();
    DRS_ASSIGN_OR_RETURN(manifest[rel], Describe(path, st));
    if (S_ISREG(st.st_mode) && st.st_nlink > 1) inodes[{st.st_dev, st.st_ino}].push_back(rel);
  }
  for (auto& [inode, paths] : inodes) {
    std::sort(paths.begin(), paths.end());
    for (const std::string& p : paths) manifest[p].hardlink_group = paths.front();
  }
  return manifest;
}

std::string DiffManifests(const TreeManifest& want, const TreeManifest& got) {
  std::ostringstream out;
  const auto describe = [](const ManifestEntry& e) {
    std::ostringstream s;
    s << "type=" << e.type << " mode=" << std::oct << e.mode << std::dec << " uid=" << e.uid
      << " gid=" << e.gid << " size=" << e.size << " mtime_ns=" << e.mtime_ns
      << " sha256=" << e.sha256.substr(0, 12) << " link=" << e.link_target
      << " xattrs=" << e.xattrs.size() << " hardlink=" << e.hardlink_group;
    return s.str();
  };
  for (const auto& [path, entry] : want) {
    auto it = got.find(path);
    if (it == got.end()) {
      out << "missing: " << path << "\n";
    } else if (!(it->second == entry)) {
      out << "differs: " << path << "\n  want " << describe(entry) << "\n  got  "
          << describe(it->second) << "\n";
    }
  }
  for (const auto& [path, entry] : got) {
    if (!want.contains(path)) out << "extra: " << path << "\n";
  }
  return out.str();
}

}  // namespace drs::mover::testing
