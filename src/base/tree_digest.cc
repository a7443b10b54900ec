#include "base/tree_digest.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "base/unique_fd.h"

namespace drs {
namespace {

constexpr std::string_view kPrefix = "sha256:";
constexpr std::size_t kSha256Bytes = 32;
// Records are hashed in batches: one EVP call per entry would cost more
// than the hashing itself.
constexpr std::size_t kFlushBytes = 64 * 1024;
// st_blocks counts 512-byte units whatever the file system's block size.
constexpr blkcnt_t kStatBlockBytes = 512;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

std::string Hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0x0f];
  }
  return out;
}

Error SysError(const std::string& what, const std::string& path, int err) {
  if (err == ENOENT) {
    return UnavailableError(path + " disappeared during the walk: the tree is changing");
  }
  return FailedPreconditionError(what + " " + path + ": " + std::strerror(err));
}

std::string Join(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

class Walker {
 public:
  Walker(MdCtx ctx, std::string root) : ctx_(std::move(ctx)), root_(std::move(root)) {}

  // One record per entry: the path, NUL (which no name contains), then the
  // metadata as little-endian 64-bit words.
  void Add(const std::string& path, const struct stat& st) {
    buffer_.append(path);
    buffer_ += '\0';
    const bool device = S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode);
    for (const std::uint64_t word :
         {std::uint64_t{st.st_mode}, std::uint64_t{st.st_uid}, std::uint64_t{st.st_gid},
          static_cast<std::uint64_t>(st.st_size), static_cast<std::uint64_t>(st.st_mtim.tv_sec),
          static_cast<std::uint64_t>(st.st_mtim.tv_nsec),
          static_cast<std::uint64_t>(st.st_ctim.tv_sec),
          static_cast<std::uint64_t>(st.st_ctim.tv_nsec), std::uint64_t{st.st_ino},
          std::uint64_t{st.st_nlink}, device ? std::uint64_t{st.st_rdev} : 0}) {
      for (int shift = 0; shift < 64; shift += 8) {
        buffer_ += static_cast<char>((word >> shift) & 0xffU);
      }
    }
    ++result_.entries;
    if (S_ISREG(st.st_mode)) {
      ++result_.files;
      result_.bytes += st.st_size;
      if (st.st_blocks * kStatBlockBytes < st.st_size) ++result_.sparse_files;
    }
    if (buffer_.size() >= kFlushBytes) Flush();
  }

  // Hashes the entries below the directory open as `dir_fd`, whose path
  // relative to the root is `path`.
  Status Walk(int dir_fd, const std::string& path, int depth) {
    DRS_ASSIGN_OR_RETURN(std::vector<std::string> names, List(dir_fd, path));
    for (const std::string& name : names) {
      const std::string child = Join(path, name);
      struct stat st {};
      if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        return SysError("cannot stat", Shown(child), errno);
      }
      Add(child, st);
      if (!S_ISDIR(st.st_mode)) continue;
      if (depth + 1 > kMaxTreeDigestDepth) {
        return FailedPreconditionError(Shown(child) + " is more than " +
                                       std::to_string(kMaxTreeDigestDepth) + " levels deep");
      }
      UniqueFd child_fd(
          ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!child_fd.valid()) return SysError("cannot open", Shown(child), errno);
      // What was opened must be what was hashed: a directory swapped in
      // between would have its listing recorded under another's metadata.
      struct stat opened {};
      if (::fstat(child_fd.get(), &opened) != 0 || opened.st_ino != st.st_ino ||
          opened.st_dev != st.st_dev) {
        return UnavailableError(Shown(child) +
                                " was replaced during the walk: the tree is changing");
      }
      DRS_RETURN_IF_ERROR(Walk(child_fd.get(), child, depth + 1));
    }
    return OkStatus();
  }

  Result<TreeDigest> Finish() {
    Flush();
    std::array<unsigned char, kSha256Bytes> md{};
    unsigned int length = 0;
    if (!ok_ || EVP_DigestFinal_ex(ctx_.get(), md.data(), &length) != 1 || length != kSha256Bytes) {
      return InternalError("SHA-256 failed while digesting " + root_);
    }
    result_.value = std::string(kPrefix) + Hex(md.data(), md.size());
    return result_;
  }

 private:
  std::string Shown(const std::string& relative) const { return root_ + "/" + relative; }

  Result<std::vector<std::string>> List(int dir_fd, const std::string& path) {
    // fdopendir takes over the descriptor it is given; the caller keeps its own.
    const int listing_fd = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
    if (listing_fd < 0) return SysError("cannot list", Shown(path), errno);
    DIR* dir = ::fdopendir(listing_fd);
    if (dir == nullptr) {
      const int err = errno;
      ::close(listing_fd);
      return SysError("cannot list", Shown(path), err);
    }
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* entry = ::readdir(dir)) {
      const std::string_view name = entry->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
      errno = 0;
    }
    const int err = errno;
    ::closedir(dir);
    if (err != 0) return SysError("cannot list", Shown(path), err);
    std::sort(names.begin(), names.end());
    return names;
  }

  void Flush() {
    if (buffer_.empty()) return;
    ok_ = ok_ && EVP_DigestUpdate(ctx_.get(), buffer_.data(), buffer_.size()) == 1;
    buffer_.clear();
  }

  MdCtx ctx_;
  std::string root_;
  std::string buffer_;
  bool ok_ = true;
  TreeDigest result_;
};

MdCtx NewSha256() {
  MdCtx ctx(EVP_MD_CTX_new());
  if (ctx != nullptr && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) ctx.reset();
  return ctx;
}

}  // namespace

Result<TreeDigest> DigestTree(const std::string& root) {
  MdCtx ctx = NewSha256();
  if (ctx == nullptr) return InternalError("cannot start SHA-256");
  UniqueFd root_fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.valid()) return SysError("cannot open", root, errno);
  struct stat st {};
  if (::fstat(root_fd.get(), &st) != 0) return SysError("cannot stat", root, errno);
  Walker walker(std::move(ctx), root);
  walker.Add(".", st);
  DRS_RETURN_IF_ERROR(walker.Walk(root_fd.get(), "", 0));
  return walker.Finish();
}

bool IsTreeDigestValue(std::string_view value) {
  if (!value.starts_with(kPrefix)) return false;
  const std::string_view hex = value.substr(kPrefix.size());
  return hex.size() == 2 * kSha256Bytes && std::all_of(hex.begin(), hex.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string BindTreeDigest(std::string_view digest, std::string_view context) {
  std::array<unsigned char, kSha256Bytes> md{};
  unsigned int length = 0;
  MdCtx ctx = NewSha256();
  const bool ok = ctx != nullptr &&
                  EVP_DigestUpdate(ctx.get(), digest.data(), digest.size()) == 1 &&
                  EVP_DigestUpdate(ctx.get(), "\n", 1) == 1 &&
                  EVP_DigestUpdate(ctx.get(), context.data(), context.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx.get(), md.data(), &length) == 1;
  // Allocation failure inside OpenSSL: an empty value matches nothing, so
  // the caller compares in full.
  if (!ok) return "";
  return std::string(kPrefix) + Hex(md.data(), md.size());
}

}  // namespace drs
