#include "controller/datasync/claim_plan.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <tuple>

#include "base/rfc3339.h"

namespace drs::controller::datasync {
namespace {

using api::PvcSyncPhase;

Clock::WallTime After(Clock::WallTime now, std::chrono::seconds d) {
  return now + std::chrono::duration_cast<Clock::WallTime::duration>(d);
}

void Record(const MoverRun& run, api::PvcStatus& s) {
  if (!run.created_at) return;
  if (s.last_sync_time && *s.last_sync_time > *run.created_at) return;  // older news
  s.last_sync_time = *run.created_at;
  if (run.result) {
    const MoverResult& r = *run.result;
    s.bytes = r.bytes_transferred;
    s.files = r.files_transferred;
    s.duration = std::chrono::duration_cast<api::Duration>(
        std::chrono::duration<double>(r.duration_seconds));
    if (r.unchanged) {
      s.message = "unchanged since the last sync: " + std::to_string(r.files_total) + " files, " +
                  HumanBytes(r.bytes_total) + " checked, nothing transferred";
    } else {
      s.message = "copied " + HumanBytes(r.bytes_transferred) + " in " +
                  std::to_string(r.files_transferred) + " of " + std::to_string(r.files_total) +
                  " files, " + std::to_string(r.files_deleted) + " deleted";
    }
    if (r.verification_checked > 0) {
      s.message += "; verified " + std::to_string(r.verification_checked) + " files";
    }
    // Only a pair can ever make the next run skip (mover_job.h).
    const bool pair = !r.source_digest.empty() && !r.destination_digest.empty();
    s.source_digest = pair ? r.source_digest : "";
    s.destination_digest = pair ? r.destination_digest : "";
  } else {
    s.bytes = 0;
    s.files = 0;
    s.duration = run.finished ? std::optional(std::chrono::duration_cast<api::Duration>(
                                    *run.finished - *run.created_at))
                              : std::nullopt;
    s.message = "copied (the mover reported no statistics)";
    s.source_digest.clear();
    s.destination_digest.clear();
  }
}

// Why a claim that is due cannot start now, or nullopt when it can.
std::optional<std::pair<PvcSyncPhase, std::string>> Blocker(const ClaimInputs& in,
                                                            const ClaimContext& ctx,
                                                            ClaimPlan& plan) {
  const std::string what = in.source_ns + "/" + in.claim;
  if (!in.destination_found) {
    return std::pair{PvcSyncPhase::kPending,
                     "the DR copy of claim " + what + " does not exist yet"};
  }
  if (!in.source_found) {
    return std::pair{PvcSyncPhase::kSkipped, "the source claim " + what + " no longer exists"};
  }
  plan.wake = After(ctx.now, kWaitingPoll);
  if (in.volume_name.empty()) {
    return std::pair{PvcSyncPhase::kPending, "the source claim " + what + " is not bound yet"};
  }
  if (in.in_use_by) {
    return std::pair{PvcSyncPhase::kSkipped, "paused: the DR copy is in use by " + *in.in_use_by +
                                                 "; data sync resumes when it is scaled to 0"};
  }
  if (!ctx.keys_ready) {
    plan.wake = After(ctx.now, kActivePoll);
    return std::pair{PvcSyncPhase::kPending, "waiting for the SSH keys of the source's agents"};
  }
  const auto ready_at =
      in.access_granted
          ? *in.access_granted +
                std::chrono::duration_cast<Clock::WallTime::duration>(ctx.access_propagation)
          : ctx.now;
  if (!in.access_granted || ctx.now < ready_at) {
    plan.wake = in.access_granted ? ready_at : After(ctx.now, kActivePoll);
    return std::pair{PvcSyncPhase::kPending,
                     "waiting for the agents to learn the access to " + what};
  }
  return std::nullopt;
}

}  // namespace

std::string HumanBytes(std::int64_t bytes) {
  static constexpr std::array<const char*, 5> kUnits = {"B", "KiB", "MiB", "GiB", "TiB"};
  constexpr double kStep = 1024.0;
  double v = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (v >= kStep && unit + 1 < kUnits.size()) {
    v /= kStep;
    ++unit;
  }
  if (unit == 0) return std::to_string(bytes) + " B";
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%.1f %s", v, kUnits[unit]);
  return buf.data();
}

namespace {

// PlanClaim before skipUnchanged's clearing of the digests.
ClaimPlan Plan(const ClaimInputs& in, const ClaimContext& ctx, const api::PvcStatus* previous) {
  ClaimPlan plan;
  api::PvcStatus& s = plan.status;
  if (previous != nullptr) s = *previous;
  s.ns = in.source_ns;
  s.name = in.claim;
  const MoverRun* latest = in.latest ? &*in.latest : nullptr;

  if (latest != nullptr &&
      (latest->state == MoverState::kWaiting || latest->state == MoverState::kRunning)) {
    plan.active = true;
    s.phase = PvcSyncPhase::kSyncing;
    s.message = !latest->message.empty() ? latest->message
                : latest->state == MoverState::kRunning
                    ? "mover Job " + latest->job_name + " is copying"
                    : "mover Job " + latest->job_name + " is starting";
    plan.wake = After(ctx.now, kActivePoll);
    return plan;
  }
  if (latest != nullptr && latest->state == MoverState::kSucceeded) Record(*latest, s);

  if (!ctx.round) {
    if (previous == nullptr) s.message = "waiting for the first object sync";
    return plan;
  }
  const bool served = s.last_sync_time && *s.last_sync_time >= *ctx.round;
  if (served) {
    s.phase = PvcSyncPhase::kSynced;
    plan.delete_mount_pod = in.mount_pod_exists;
    return plan;
  }

  std::int32_t attempt = 0;
  if (latest != nullptr && latest->state == MoverState::kFailed && latest->created_at &&
      *latest->created_at >= *ctx.round) {
    const RetryPlan retry = PlanRetry(*latest, ctx.retry);
    const std::string failed = "attempt " + std::to_string(latest->attempt + 1) + " (Job " +
                               latest->job_name + ") failed: " + latest->message;
    if (!retry.retry) {
      s.phase = PvcSyncPhase::kFailed;
      s.message = failed + (latest->retryable ? "; retries exhausted" : "; not retryable") +
                  ", next try at the next sync";
      plan.delete_mount_pod = in.mount_pod_exists;
      return plan;
    }
    if (ctx.now < retry.at) {
      s.phase = PvcSyncPhase::kSyncing;
      s.message = failed + "; retry " + std::to_string(retry.next_attempt) + " of " +
                  std::to_string(ctx.retry.max_retries) + " at " + FormatRfc3339(retry.at);
      plan.wake = retry.at;
      return plan;
    }
    attempt = retry.next_attempt;
  }

  if (auto blocked = Blocker(in, ctx, plan)) {
    s.phase = blocked->first;
    s.message = blocked->second;
    return plan;
  }
  if (in.location.endpoint) {
    plan.action = ClaimAction::kStartJob;
    plan.attempt = attempt;
    s.phase = PvcSyncPhase::kSyncing;
    s.message = "starting a mover for node " + in.location.endpoint->node;
    plan.wake = After(ctx.now, kActivePoll);
    return plan;
  }
  plan.wake = After(ctx.now, in.mount_pod_exists ? kActivePoll : kWaitingPoll);
  if (in.location.failure == LocateFailure::kNotMounted && ctx.mount_unattached) {
    s.phase = PvcSyncPhase::kPending;
    if (in.mount_pod_exists) {
      s.message = in.location.message + "; waiting for the temporary mount pod to run";
    } else {
      plan.action = ClaimAction::kCreateMountPod;
      s.message = in.location.message + "; mounting it with a temporary pod";
      plan.wake = After(ctx.now, kActivePoll);
    }
    return plan;
  }
  if (in.location.failure == LocateFailure::kNotMounted) {
    s.phase = PvcSyncPhase::kSkipped;
    s.message = in.location.message + " (set dataSyncConfig.mountUnattachedVolumes to copy it)";
    return plan;
  }
  s.phase = PvcSyncPhase::kPending;
  s.message = in.location.message;
  return plan;
}

}  // namespace

ClaimPlan PlanClaim(const ClaimInputs& in, const ClaimContext& ctx,
                    const api::PvcStatus* previous) {
  ClaimPlan plan = Plan(in, ctx, previous);
  if (!ctx.skip_unchanged) {
    plan.status.source_digest.clear();
    plan.status.destination_digest.clear();
  }
  return plan;
}

int LimitStarts(std::vector<ClaimPlan>& plans, int slots, const std::string& why,
                Clock::WallTime now) {
  std::vector<ClaimPlan*> starts;
  for (ClaimPlan& p : plans) {
    if (p.action == ClaimAction::kStartJob) starts.push_back(&p);
  }
  std::stable_sort(starts.begin(), starts.end(), [](const ClaimPlan* a, const ClaimPlan* b) {
    const auto& x = a->status.last_sync_time;
    const auto& y = b->status.last_sync_time;
    if (x.has_value() != y.has_value()) return !x.has_value();
    if (x && y && *x != *y) return *x < *y;
    return std::tie(a->status.ns, a->status.name) < std::tie(b->status.ns, b->status.name);
  });
  int started = 0;
  for (ClaimPlan* p : starts) {
    if (started < slots) {
      ++started;
      continue;
    }
    p->action = ClaimAction::kNone;
    p->status.phase = api::PvcSyncPhase::kPending;
    p->status.message = why;
    p->wake = After(now, kActivePoll);
  }
  return started;
}

}  // namespace drs::controller::datasync
