#pragma once
// PullResult: how one pull ended, and its two renderings — the JSON
// termination message the controller reads from the Job's pod (Kubernetes
// keeps at most 4096 bytes of it) and the process exit code.
//
//   {"result": "Succeeded", "exitCode": 0, "reason": "", "retryable": false,
//    "bytesTransferred": 0, "bytesTotal": 0, "filesTransferred": 0,
//    "filesTotal": 0, "filesDeleted": 0, "durationSeconds": 0.0,
//    "verification": {"mode": "none", "checked": 0, "mismatches": 0},
//    "unchanged": false, "sourceDigest": "sha256:...",
//    "destinationDigest": "sha256:..."}
//
// The digests appear only when the run took them (--skip-unchanged) and
// succeeded; "unchanged" says the transfer was skipped because neither tree
// changed since the previous digests (mover/unchanged_check.h).
//
// Thread-safety: value types and pure functions, except
// WriteTerminationLog, which writes the named file.

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/result.h"
#include "mover/pull_options.h"
#include "mover/rsync_stats.h"

namespace drs::mover {

// Kubernetes truncates a termination message beyond this.
inline constexpr std::size_t kMaxTerminationMessageBytes = 4096;

// Process exit codes: a Job's podFailurePolicy can tell them apart.
inline constexpr int kExitSucceeded = 0;
inline constexpr int kExitTerminal = 1;
inline constexpr int kExitRetryable = 2;

struct VerificationSummary {
  Verification mode = Verification::kNone;
  std::int64_t checked = 0;     // regular files compared by checksum
  std::int64_t mismatches = 0;  // differences found
};

struct PullResult {
  bool succeeded = false;
  // rsync's (or ssh's 255) exit status in the step that failed; -1 when it
  // was killed by a signal; 0 when the failure was not rsync's (a bad flag,
  // an unreadable key, a verification mismatch, a timeout).
  int exit_code = 0;
  std::string reason;  // empty on success
  bool retryable = false;
  TransferStats stats;  // of the transfer pass
  double duration_seconds = 0.0;
  VerificationSummary verification;
  bool unchanged = false;  // the transfer was skipped: neither tree changed
  // Bound digests to record for the next run; empty when not taken.
  std::string source_digest;
  std::string destination_digest;
};

// The JSON above, at most kMaxTerminationMessageBytes: an over-long reason
// is cut (on a UTF-8 boundary, marked with "...") so the numbers always fit.
std::string TerminationMessage(const PullResult& result);

// kExitSucceeded, kExitTerminal or kExitRetryable.
int ProcessExitCode(const PullResult& result);

// Writes `message` to `path` (created 0644 if missing, truncated). Errors
// name the path.
Status WriteTerminationLog(const std::string& path, const std::string& message);

}  // namespace drs::mover
