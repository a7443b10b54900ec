#pragma once
// `dr-syncer-agent pull`: the mover Job's entrypoint. Parses the flags
// (pull_options.h), runs the pull (pull.h), writes the JSON result to
// --termination-log — for a bad flag too, so the controller always learns
// why — and returns the process exit code: 0 succeeded, 1 failed for good
// (terminal), 2 failed but a retry may succeed. docs/mover.md describes it
// for users, docs/data-sync.md is the contract.
//
// SIGTERM and SIGINT (a deleted Job's pod) stop the transfer: rsync gets
// SIGTERM so it keeps its partial file, and the result says "stopped",
// retryable. RunPullCommand installs that handling itself for as long as it
// runs; the caller (src/cmd's main) must not have its own signal thread.
//
// Thread-safety: call once, from the main thread, before other threads
// exist (the signal mask it sets must be inherited by every thread).

namespace drs::mover {

// argv[0] is "pull".
int RunPullCommand(int argc, char** argv);

}  // namespace drs::mover
