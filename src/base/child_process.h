#pragma once
// ChildProcess: sole owner of one spawned child. The child runs in its own
// process group so a kill reaches anything it started; the destructor of a
// child that was never reaped kills that group and reaps it, so no early
// return can leave a zombie or a stray process behind.
//
// Thread-safety: not thread-safe; one owner drives it.

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.h"

namespace drs {

struct SpawnRequest {
  std::vector<std::string> argv;  // argv[0] is looked up on PATH unless it has a '/'
  std::vector<std::string> envp;  // "NAME=value" entries, the child's whole environment
  std::string working_dir;        // empty = ours
  // Descriptors that become the child's 0, 1 and 2; -1 means /dev/null.
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
};

class ChildProcess {
 public:
  // Starts the child. A program that cannot be found is NotFound, one that
  // cannot be executed PermissionDenied; both name the program.
  static Result<ChildProcess> Spawn(const SpawnRequest& request);

  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool reaped() const { return reaped_; }
  // The waitpid() status. REQUIRES: reaped().
  int wait_status() const { return wait_status_; }

  // Reaps the child if it has exited, without blocking; returns reaped().
  bool TryReap();
  // SIGKILL to the child's process group, then a blocking reap. A child in
  // uninterruptible sleep (a hung NFS read) delays this until it wakes.
  void KillAndReap();

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  void Reap(int options);

  pid_t pid_ = -1;
  bool reaped_ = false;
  int wait_status_ = 0;
};

}  // namespace drs
