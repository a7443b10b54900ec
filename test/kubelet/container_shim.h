#pragma once
// The container shim: `drs-process-kubelet container-shim --spec FILE`, one
// per running container, started by the kubelet with the container's
// environment and its log file as stdout/stderr.
//
//   kubelet ── shim (this process: forwards signals, exits with the result)
//                └─ init: pid 1 of a new PID namespace, in a new mount and
//                   UTS namespace; builds the container root (ContainerRoot),
//                   forwards signals to the command's process group, reaps
//                     └─ the command: its own session, argv from the spec
//
// Exit code: the command's, or 128+signal when a signal ended it (as
// Kubernetes reports 137 for SIGKILL, 143 for SIGTERM); 128 with the reason
// in the spec's start-error file when it could not be started. When the
// shim dies (the kubelet kills its process group after the grace period),
// the init gets SIGKILL (PR_SET_PDEATHSIG) and the kernel kills everything
// left in the PID namespace: sshd sessions, rsync children, all of it.
//
// Thread-safety: runs in its own single-threaded process.

#include <string>

namespace drs::kubelet {

int RunContainerShim(const std::string& spec_path);

}  // namespace drs::kubelet
