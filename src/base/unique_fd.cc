#include "base/unique_fd.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace drs {
namespace {

// The first descriptor that is not stdin, stdout or stderr.
constexpr int kFirstNonStandardFd = 3;

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Moves fd above the standard descriptors when a parent started with one of
// them closed handed it to us.
Result<UniqueFd> AboveStandardFds(UniqueFd fd) {
  if (fd.get() >= kFirstNonStandardFd) return fd;
  const int moved = fcntl(fd.get(), F_DUPFD_CLOEXEC, kFirstNonStandardFd);
  if (moved < 0) return InternalError(Errno("fcntl(F_DUPFD_CLOEXEC)"));
  return UniqueFd(moved);
}

}  // namespace

void UniqueFd::Reset(int fd) {
  // Linux releases the descriptor even when close fails with EINTR, so a
  // retry could close a descriptor another thread just opened.
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

Result<Pipe> MakePipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return UnavailableError(Errno("pipe2"));
  UniqueFd read_end(fds[0]);
  UniqueFd write_end(fds[1]);
  DRS_ASSIGN_OR_RETURN(read_end, AboveStandardFds(std::move(read_end)));
  DRS_ASSIGN_OR_RETURN(write_end, AboveStandardFds(std::move(write_end)));
  return Pipe{std::move(read_end), std::move(write_end)};
}

Status SetNonBlocking(int fd, bool non_blocking) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return InternalError(Errno("fcntl(F_GETFL)"));
  const int wanted = non_blocking ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
  if (wanted != flags && fcntl(fd, F_SETFL, wanted) != 0) {
    return InternalError(Errno("fcntl(F_SETFL)"));
  }
  return OkStatus();
}

}  // namespace drs
