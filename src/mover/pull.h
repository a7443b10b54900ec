#pragma once
// RunPull: one pull from start to finish. Checks the destination and the
// key files, prepares rsync's temp dir and probes what the destination
// keeps (ACLs, xattrs), runs the transfer, then the verification pass the
// options ask for, and always removes the temp dir. Every outcome, failures
// included, is a PullResult with a reason and whether a retry can help;
// nothing here throws or exits.
//
// Thread-safety: RunPull may run in several threads at once for different
// destinations; one destination takes one pull at a time.

#include <sys/types.h>

#include <functional>
#include <stop_token>

#include "base/clock.h"
#include "mover/pull_options.h"
#include "mover/pull_result.h"

namespace drs::mover {

// Seams for tests; production leaves them empty.
struct PullHooks {
  // Called with the pid (= process group) of each rsync started.
  std::function<void(pid_t)> on_rsync_started;
  Clock* clock = nullptr;  // null = RealClock
};

// REQUIRES: ValidatePullOptions(options) succeeded.
// A stop request ends rsync (SIGTERM, then SIGKILL) and yields a retryable
// failure.
PullResult RunPull(const PullOptions& options, std::stop_token stop, const PullHooks& hooks = {});

}  // namespace drs::mover
