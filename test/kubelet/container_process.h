#pragma once
// ContainerProcess: the kubelet's handle on one running container — the
// container shim it started (container_shim.h) with the container's
// environment, its log file as stdout/stderr, in its own process group.
// A pid file beside the spec lets a restarted kubelet find and kill shims
// an earlier instance left behind (KillLeftoverShims).
//
// Thread-safety: not thread-safe; the pod's worker owns it. pid() may be
// read by the process monitor through its own registry.

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/child_process.h"
#include "base/result.h"
#include "kubelet/container_env.h"
#include "kubelet/shim_spec.h"

namespace drs::kubelet {

struct ContainerLaunch {
  std::string shim_binary;  // our own executable
  std::string runtime_dir;  // spec.json, shim.pid, start-error live here
  std::string log_path;     // the container's stdout and stderr
};

class ContainerProcess {
 public:
  // Writes the spec (its start_error_file is set to the runtime dir's),
  // opens the log (creating its directory) and starts the shim.
  static Result<std::unique_ptr<ContainerProcess>> Start(ShimSpec spec,
                                                         const std::vector<EnvVar>& env,
                                                         const ContainerLaunch& launch);
  ~ContainerProcess();  // kills the whole group if still running

  pid_t pid() const { return child_.pid(); }
  const std::string& log_path() const { return log_path_; }
  // The exit code once the shim has exited (reaping it), else nullopt.
  std::optional<int> Poll();
  // Asks the container to stop (SIGTERM, forwarded to the command's group).
  void Terminate();
  // SIGKILL to the shim's group; the container's PID namespace dies with it.
  void Kill();
  // Why the container could not start, when the shim exited with 128.
  std::string StartError() const;

 private:
  ContainerProcess(ChildProcess child, std::string runtime_dir, std::string log_path)
      : child_(std::move(child)),
        runtime_dir_(std::move(runtime_dir)),
        log_path_(std::move(log_path)) {}

  ChildProcess child_;
  std::string runtime_dir_;
  std::string log_path_;
};

// Kills every shim recorded under `runtime_root` (a node's run/process-kubelet)
// whose pid still names the same process (checked by its start time), and
// returns how many it killed.
int KillLeftoverShims(const std::string& runtime_root);

// 128 + signal for a signal death, else the exit status.
int ExitCodeFromWaitStatus(int status);

}  // namespace drs::kubelet
