#pragma once
// What a mover Job did: its state from the Job's conditions, its result from
// the pod's termination message (the JSON `dr-syncer-agent pull` writes,
// docs/data-sync.md), and whether and when to retry — exponential backoff
// per the Replication's retryConfig, with jitter drawn from a generator
// seeded by the Job's name, so every reconcile computes the same retry time
// and many failed claims do not retry in lockstep.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/replication.h"
#include "base/clock.h"
#include "base/result.h"

namespace drs::controller::datasync {

// Fraction of a retry delay added at random (base/backoff.h).
inline constexpr double kRetryJitter = 0.2;

struct MoverResult {
  bool succeeded = false;  // "result": "Succeeded"
  std::int64_t exit_code = 0;
  std::string reason;
  bool retryable = false;
  std::int64_t bytes_transferred = 0;
  std::int64_t bytes_total = 0;
  std::int64_t files_transferred = 0;
  std::int64_t files_total = 0;
  std::int64_t files_deleted = 0;
  double duration_seconds = 0;
  std::string verification_mode;
  std::int64_t verification_checked = 0;
  std::int64_t verification_mismatches = 0;
  // skipUnchanged: the metadata digests of the source tree and of the DR
  // copy after the run ("sha256:<hex>"; "" when not reported or malformed),
  // and whether the transfer was skipped because both matched the previous
  // run's.
  std::string source_digest;
  std::string destination_digest;
  bool unchanged = false;
};

// Invalid when `text` is not the mover's JSON object.
Result<MoverResult> ParseTerminationMessage(std::string_view text);

enum class MoverState { kWaiting, kRunning, kSucceeded, kFailed };

struct MoverRun {
  std::string job_name;
  std::string uid;
  std::int64_t run = 0;
  std::int32_t attempt = 0;
  std::optional<Clock::WallTime> created_at;  // the controller's clock
  bool suspended = false;
  MoverState state = MoverState::kWaiting;
  std::optional<Clock::WallTime> finished;
  std::optional<MoverResult> result;  // from the termination message
  bool retryable = false;             // when failed
  std::string message;                // what happened, for status and Events
};

// `pods`: the pods of this Job (label job-name); the newest one counts.
MoverRun ObserveMoverJob(const nlohmann::json& job, const std::vector<nlohmann::json>& pods);

struct RetryPlan {
  bool retry = false;
  Clock::WallTime at;
  std::int32_t next_attempt = 0;
};

// REQUIRES: run.state == kFailed.
RetryPlan PlanRetry(const MoverRun& run, const api::RetryConfig& config);

}  // namespace drs::controller::datasync
