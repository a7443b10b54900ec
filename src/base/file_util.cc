#include "base/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "base/unique_fd.h"

namespace drs {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

Error FileError(const std::string& path, int err) {
  std::string message = "cannot read \"" + path + "\": " + std::strerror(err);
  if (err == ENOENT || err == ENOTDIR) return NotFoundError(std::move(message));
  if (err == EACCES || err == EPERM) return Error(ErrorCode::kPermissionDenied, std::move(message));
  return UnavailableError(std::move(message));
}

}  // namespace

Result<std::string> ReadFileToString(const std::string& path, std::size_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return FileError(path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return FileError(path, errno);
  if (S_ISDIR(st.st_mode)) return FileError(path, EISDIR);
  std::string out;
  // Size up front so a secret is not left behind in buffers freed by growth.
  if (st.st_size > 0) out.reserve(static_cast<std::size_t>(st.st_size));
  std::array<char, kReadChunk> buf;
  while (true) {
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FileError(path, errno);
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      return Error(ErrorCode::kResourceExhausted, "cannot read \"" + path + "\": larger than " +
                                                      std::to_string(max_bytes) + " bytes");
    }
    out.append(buf.data(), static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace drs
