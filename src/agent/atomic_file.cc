#include "agent/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/unique_fd.h"

namespace drs::agent {
namespace {

Error WriteError(const std::string& path, const char* step) {
  return UnavailableError("cannot write " + path + " (" + step + "): " + std::strerror(errno));
}

Status WriteAll(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return UnavailableError(std::strerror(n < 0 ? errno : EIO));
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return OkStatus();
}

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view content, mode_t mode) {
  const std::size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string temp = dir + "/." + name + ".tmp-XXXXXX";
  UniqueFd fd(mkostemp(temp.data(), O_CLOEXEC));
  if (!fd.valid()) return WriteError(path, "creating a temporary file");
  const auto fail = [&](const char* step) {
    Error error = WriteError(path, step);
    unlink(temp.c_str());
    return error;
  };
  if (fchmod(fd.get(), mode) != 0) return fail("setting the mode");
  if (auto written = WriteAll(fd.get(), content); !written.ok()) return fail("writing");
  if (fsync(fd.get()) != 0) return fail("syncing");
  fd.Reset();
  if (rename(temp.c_str(), path.c_str()) != 0) return fail("renaming into place");
  return OkStatus();
}

}  // namespace drs::agent
