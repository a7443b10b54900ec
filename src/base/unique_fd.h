#pragma once
// UniqueFd: sole owner of a POSIX file descriptor, closed when it dies. Pipes
// made here are O_CLOEXEC so no descriptor leaks into a child process that
// another thread spawns at the same moment.
//
// Thread-safety: a value type (move-only); one owner uses it at a time.

#include <utility>

#include "base/result.h"

namespace drs {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) Reset(other.Release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives up ownership without closing.
  int Release() { return std::exchange(fd_, -1); }
  // Closes the current descriptor (if any) and takes `fd`.
  void Reset(int fd = -1);

 private:
  int fd_ = -1;
};

struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

// A close-on-exec pipe whose ends are never 0, 1 or 2, so dup2 onto a child's
// standard descriptors always makes a fresh, inheritable copy.
Result<Pipe> MakePipe();

// Sets or clears O_NONBLOCK. REQUIRES: fd is open.
Status SetNonBlocking(int fd, bool non_blocking);

}  // namespace drs
