#include "controller/datasync/mover_outcome.h"

#include <charconv>
#include <random>

#include "base/backoff.h"
#include "base/rfc3339.h"
#include "base/tree_digest.h"
#include "controller/datasync/json_read.h"
#include "controller/datasync/names.h"
#include "kube/object.h"
#include "sync/desired_hash.h"

namespace drs::controller::datasync {
namespace {

using nlohmann::json;

std::optional<Clock::WallTime> TimeAt(const json& j, std::initializer_list<std::string_view> path) {
  auto t = ParseRfc3339(StringAt(j, path));
  if (!t.ok()) return std::nullopt;
  return *t;
}

std::int64_t ParseInt(const std::string& text, std::int64_t fallback) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() && end == text.data() + text.size() ? v : fallback;
}

// The final condition (Complete or Failed) that is True, if any.
const json* FinalCondition(const json& job) {
  for (const json& c : ArrayAt(job, {"status", "conditions"})) {
    const std::string type = StringAt(c, {"type"});
    if ((type == "Complete" || type == "Failed") && StringAt(c, {"status"}) == "True") return &c;
  }
  return nullptr;
}

const json* NewestPod(const std::vector<json>& pods) {
  const json* newest = nullptr;
  for (const json& p : pods) {
    if (newest == nullptr || StringAt(p, {"metadata", "creationTimestamp"}) >
                                 StringAt(*newest, {"metadata", "creationTimestamp"})) {
      newest = &p;
    }
  }
  return newest;
}

const json* MoverContainer(const json& pod) {
  for (const json& s : ArrayAt(pod, {"status", "containerStatuses"})) {
    if (StringAt(s, {"name"}) == "mover") return &s;
  }
  return nullptr;
}

void ReadPod(const json& pod, MoverRun& run) {
  const json* c = MoverContainer(pod);
  if (c == nullptr) return;
  const json& terminated = At(*c, {"state", "terminated"});
  if (terminated.is_object()) {
    const std::string text = StringAt(terminated, {"message"});
    auto parsed = ParseTerminationMessage(text);
    if (parsed.ok()) {
      run.result = *parsed;
    } else if (run.message.empty()) {
      const std::string reason = StringAt(terminated, {"reason"});
      run.message = "the mover exited with code " +
                    std::to_string(IntAt(terminated, {"exitCode"})) +
                    (reason.empty() ? "" : " (" + reason + ")") +
                    (text.empty() ? "" : ": " + text.substr(0, text.find('\n')));
    }
    return;
  }
  const json& waiting = At(*c, {"state", "waiting"});
  if (waiting.is_object() && StringAt(waiting, {"reason"}) != "ContainerCreating") {
    run.message =
        "waiting: " + StringAt(waiting, {"reason"}) + ": " + StringAt(waiting, {"message"});
  }
}

std::string Describe(const MoverResult& r) {
  std::string text = r.reason.empty() ? "the transfer failed" : r.reason;
  text += " (exit code " + std::to_string(r.exit_code) + ")";
  if (r.verification_mismatches > 0) {
    text += "; verification found " + std::to_string(r.verification_mismatches) + " mismatches";
  }
  return text;
}

}  // namespace

Result<MoverResult> ParseTerminationMessage(std::string_view text) {
  const auto j = json::parse(text, nullptr, false);
  if (!j.is_object() || !Member(j, "result").is_string()) {
    return InvalidError("the termination message is not the mover's JSON result");
  }
  MoverResult r;
  r.succeeded = StringAt(j, {"result"}) == "Succeeded";
  r.exit_code = IntAt(j, {"exitCode"});
  r.reason = StringAt(j, {"reason"});
  r.retryable = BoolAt(j, {"retryable"});
  r.bytes_transferred = IntAt(j, {"bytesTransferred"});
  r.bytes_total = IntAt(j, {"bytesTotal"});
  r.files_transferred = IntAt(j, {"filesTransferred"});
  r.files_total = IntAt(j, {"filesTotal"});
  r.files_deleted = IntAt(j, {"filesDeleted"});
  r.duration_seconds = NumberAt(j, {"durationSeconds"});
  r.verification_mode = StringAt(j, {"verification", "mode"});
  r.verification_checked = IntAt(j, {"verification", "checked"});
  r.verification_mismatches = IntAt(j, {"verification", "mismatches"});
  // A malformed digest is dropped rather than recorded: handed back to the
  // next mover it would be a usage error, failing every run.
  r.source_digest = StringAt(j, {"sourceDigest"});
  if (!IsTreeDigestValue(r.source_digest)) r.source_digest.clear();
  r.destination_digest = StringAt(j, {"destinationDigest"});
  if (!IsTreeDigestValue(r.destination_digest)) r.destination_digest.clear();
  r.unchanged = BoolAt(j, {"unchanged"});
  return r;
}

MoverRun ObserveMoverJob(const json& job, const std::vector<json>& pods) {
  MoverRun run;
  run.job_name = kube::Name(job);
  run.uid = kube::Uid(job);
  const auto labels = kube::Labels(job);
  const auto annotations = kube::Annotations(job);
  auto get = [](const std::map<std::string, std::string>& m, std::string_view key) {
    auto it = m.find(std::string(key));
    return it == m.end() ? std::string() : it->second;
  };
  run.run = ParseInt(get(labels, kRunLabel), 0);
  run.attempt = static_cast<std::int32_t>(ParseInt(get(annotations, kAttemptAnnotation), 0));
  if (auto t = ParseRfc3339(get(annotations, kCreatedAtAnnotation)); t.ok()) run.created_at = *t;
  run.suspended = BoolAt(job, {"spec", "suspend"});

  if (const json* pod = NewestPod(pods)) ReadPod(*pod, run);
  const json* final = FinalCondition(job);
  if (final == nullptr) {
    run.state = !run.suspended && IntAt(job, {"status", "active"}) > 0 ? MoverState::kRunning
                                                                       : MoverState::kWaiting;
    return run;
  }
  run.finished = TimeAt(*final, {"lastTransitionTime"});
  if (!run.finished) run.finished = TimeAt(job, {"status", "completionTime"});
  if (StringAt(*final, {"type"}) == "Complete" && (!run.result || run.result->succeeded)) {
    run.state = MoverState::kSucceeded;
    run.message.clear();
    return run;
  }
  run.state = MoverState::kFailed;
  const std::string reason = StringAt(*final, {"reason"});
  if (run.result && !run.result->succeeded) {
    run.retryable = run.result->retryable;
    run.message = Describe(*run.result);
  } else if (reason == "DeadlineExceeded") {
    // Stopped by the Job's deadline: what was copied stays, the next run resumes.
    run.retryable = true;
    run.message = "the transfer did not finish within its timeout";
  } else {
    // No result from the mover (evicted, OOM-killed, never started): an
    // infrastructure failure, worth retrying.
    run.retryable = true;
    if (run.message.empty()) {
      run.message =
          "the mover Job failed" + (reason.empty() ? "" : " (" + reason + ")") +
          (StringAt(*final, {"message"}).empty() ? "" : ": " + StringAt(*final, {"message"}));
    }
  }
  return run;
}

RetryPlan PlanRetry(const MoverRun& run, const api::RetryConfig& config) {
  RetryPlan plan;
  if (!run.retryable || run.attempt >= config.max_retries) return plan;
  const ExponentialBackoff backoff({.initial = config.initial_backoff,
                                    .max = config.max_backoff,
                                    .factor = config.backoff_multiplier / 100.0,
                                    .jitter = kRetryJitter});
  const std::string seed_hex = sync::Sha256Hex(run.job_name).substr(0, 2 * sizeof(std::uint64_t));
  std::mt19937_64 rng(std::stoull(seed_hex, nullptr, 16));
  const auto delay = backoff.Delay(static_cast<std::uint32_t>(run.attempt), rng);
  const Clock::WallTime from = run.finished.value_or(run.created_at.value_or(Clock::WallTime{}));
  plan.retry = true;
  plan.next_attempt = run.attempt + 1;
  plan.at = from + std::chrono::duration_cast<Clock::WallTime::duration>(delay);
  return plan;
}

}  // namespace drs::controller::datasync
