#include "controller/datasync/claim_plan.h"

#include <gtest/gtest.h>

#include "base/rfc3339.h"

namespace drs::controller::datasync {
namespace {

using api::PvcSyncPhase;
using std::chrono::seconds;

Clock::WallTime T(const char* text) { return *ParseRfc3339(text); }

ClaimInputs Ready() {
  ClaimInputs in;
  in.source_ns = "shop";
  in.claim = "data";
  in.source_found = true;
  in.volume_name = "pvc-1";
  in.location.endpoint = AgentEndpoint{.node = "node-1", .address = "10.0.0.1", .pod = "web"};
  in.destination_found = true;
  in.access_granted = T("2026-01-01T00:00:00Z");
  return in;
}

ClaimContext Context() {
  ClaimContext ctx;
  ctx.round = T("2026-01-01T10:00:00Z");
  ctx.now = T("2026-01-01T10:00:05Z");
  ctx.retry = {.max_retries = 2,
               .initial_backoff = seconds(10),
               .max_backoff = seconds(60),
               .backoff_multiplier = 200};
  ctx.access_propagation = seconds(60);
  ctx.keys_ready = true;
  return ctx;
}

MoverRun MoverRunOf(MoverState state, const char* created, std::int32_t attempt = 0) {
  MoverRun run;
  run.job_name = "app-data-" + std::to_string(attempt + 1);
  run.state = state;
  run.created_at = T(created);
  run.attempt = attempt;
  if (state == MoverState::kSucceeded || state == MoverState::kFailed) {
    run.finished = T(created) + seconds(3);
  }
  if (state == MoverState::kSucceeded) {
    run.result = MoverResult{.succeeded = true,
                             .bytes_transferred = 3 * 1024 * 1024,
                             .files_transferred = 4,
                             .files_total = 10,
                             .files_deleted = 1,
                             .duration_seconds = 2.5};
  }
  if (state == MoverState::kFailed) {
    run.retryable = true;
    run.message = "connection reset (exit code 12)";
  }
  return run;
}

TEST(ClaimPlanTest, ADueClaimStartsItsFirstAttempt) {
  const ClaimPlan plan = PlanClaim(Ready(), Context(), nullptr);
  EXPECT_EQ(plan.action, ClaimAction::kStartJob);
  EXPECT_EQ(plan.attempt, 0);
  EXPECT_EQ(plan.status.phase, PvcSyncPhase::kSyncing);
  EXPECT_EQ(plan.status.ns, "shop");
  EXPECT_EQ(plan.status.name, "data");
  EXPECT_TRUE(plan.wake);
}

TEST(ClaimPlanTest, ARunningMoverIsFollowedAndCounted) {
  ClaimInputs in = Ready();
  in.latest = MoverRunOf(MoverState::kRunning, "2026-01-01T10:00:01Z");
  const ClaimPlan plan = PlanClaim(in, Context(), nullptr);
  EXPECT_EQ(plan.action, ClaimAction::kNone);
  EXPECT_TRUE(plan.active);
  EXPECT_EQ(plan.status.phase, PvcSyncPhase::kSyncing);
  EXPECT_EQ(plan.status.message, "mover Job app-data-1 is copying");
  EXPECT_EQ(plan.wake, Context().now + kActivePoll);
}

TEST(ClaimPlanTest, SuccessInThisRoundIsSyncedWithItsStatistics) {
  ClaimInputs in = Ready();
  in.latest = MoverRunOf(MoverState::kSucceeded, "2026-01-01T10:00:01Z");
  in.mount_pod_exists = true;
  const ClaimPlan plan = PlanClaim(in, Context(), nullptr);
  EXPECT_EQ(plan.action, ClaimAction::kNone);
  EXPECT_FALSE(plan.active);
  EXPECT_TRUE(plan.delete_mount_pod);
  EXPECT_FALSE(plan.wake);
  const api::PvcStatus& s = plan.status;
  EXPECT_EQ(s.phase, PvcSyncPhase::kSynced);
  EXPECT_EQ(s.last_sync_time, T("2026-01-01T10:00:01Z"));
  EXPECT_EQ(s.bytes, 3 * 1024 * 1024);
  EXPECT_EQ(s.files, 4);
  EXPECT_EQ(s.duration, std::chrono::milliseconds(2500));
  EXPECT_EQ(s.message, "copied 3.0 MiB in 4 of 10 files, 1 deleted");
}

const std::string kSourceDigest = "sha256:" + std::string(64, '5');
const std::string kDestinationDigest = "sha256:" + std::string(64, 'd');

// A claim copied at 09:00 whose status recorded that run's digests.
api::PvcStatus RecordedAtNine() {
  return {.ns = "shop",
          .name = "data",
          .phase = PvcSyncPhase::kSynced,
          .last_sync_time = T("2026-01-01T09:00:00Z"),
          .source_digest = "sha256:" + std::string(64, '1'),
          .destination_digest = "sha256:" + std::string(64, '2')};
}

TEST(ClaimPlanTest, ASuccessRecordsItsDigests) {
  ClaimInputs in = Ready();
  in.latest = MoverRunOf(MoverState::kSucceeded, "2026-01-01T10:00:01Z");
  in.latest->result->source_digest = kSourceDigest;
  in.latest->result->destination_digest = kDestinationDigest;
  const api::PvcStatus previous = RecordedAtNine();
  const ClaimPlan plan = PlanClaim(in, Context(), &previous);
  EXPECT_EQ(plan.status.phase, PvcSyncPhase::kSynced);
  EXPECT_EQ(plan.status.source_digest, kSourceDigest);
  EXPECT_EQ(plan.status.destination_digest, kDestinationDigest);
  EXPECT_EQ(plan.status.message, "copied 3.0 MiB in 4 of 10 files, 1 deleted");
}

TEST(ClaimPlanTest, ASkippedTransferIsASuccessThatSaysSo) {
  ClaimInputs in = Ready();
  in.latest = MoverRunOf(MoverState::kSucceeded, "2026-01-01T10:00:01Z");
  MoverResult& r = *in.latest->result;
  r = MoverResult{.succeeded = true,
                  .bytes_total = 460 * 1024 * 1024,
                  .files_total = 100000,
                  .duration_seconds = 0.75,
                  .source_digest = kSourceDigest,
                  .destination_digest = kDestinationDigest,
                  .unchanged = true};
  const api::PvcStatus previous = RecordedAtNine();
  const ClaimPlan plan = PlanClaim(in, Context(), &previous);
  const api::PvcStatus& s = plan.status;
  EXPECT_EQ(s.phase, PvcSyncPhase::kSynced);
  EXPECT_EQ(s.last_sync_time, T("2026-01-01T10:00:01Z"));  // advances like any success
  EXPECT_EQ(s.bytes, 0);
  EXPECT_EQ(s.files, 0);
  EXPECT_EQ(s.duration, std::chrono::milliseconds(750));
  EXPECT_EQ(s.message,
            "unchanged since the last sync: 100000 files, 460.0 MiB checked, nothing transferred");
  EXPECT_EQ(s.source_digest, kSourceDigest);
  EXPECT_EQ(s.destination_digest, kDestinationDigest);
}

TEST(ClaimPlanTest, ASuccessWithoutADigestPairClearsTheRecordedOnes) {
  const api::PvcStatus previous = RecordedAtNine();
  ClaimInputs in = Ready();
  in.latest = MoverRunOf(MoverState::kSucceeded, "2026-01-01T10:00:01Z");
  ClaimPlan plan = PlanClaim(in, Context(), &previous);  // an older mover: no digests
  EXPECT_EQ(plan.status.source_digest, "");
  EXPECT_EQ(plan.status.destination_digest, "");

  in.latest->result->source_digest = kSourceDigest;  // half a pair is of no use
  plan = PlanClaim(in, Context(), &previous);
  EXPECT_EQ(plan.status.source_digest, "");
  EXPECT_EQ(plan.status.destination_digest, "");

  in.latest->result.reset();  // no statistics at all
  plan = PlanClaim(in, Context(), &previous);
  EXPECT_EQ(plan.status.message, "copied (the mover reported no statistics)");
  EXPECT_EQ(plan.status.source_digest, "");
  EXPECT_EQ(plan.status.destination_digest, "");
}

TEST(ClaimPlanTest, FailedRunningAndOlderRunsKeepTheRecordedDigests) {
  const api::PvcStatus previous = RecordedAtNine();
  ClaimInputs in = Ready();
  for (MoverState state : {MoverState::kFailed, MoverState::kRunning, MoverState::kWaiting}) {
    in.latest = MoverRunOf(state, "2026-01-01T10:00:01Z");
    const ClaimPlan plan = PlanClaim(in, Context(), &previous);
    EXPECT_EQ(plan.status.source_digest, previous.source_digest) << static_cast<int>(state);
    EXPECT_EQ(plan.status.destination_digest, previous.destination_digest)
        << static_cast<int>(state);
  }
  // A success older than what the status holds is old news.
  api::PvcStatus newer = previous;
  newer.last_sync_time = T("2026-01-01T10:00:02Z");
  in.latest = MoverRunOf(MoverState::kSucceeded, "2026-01-01T10:00:01Z");
  in.latest->result->source_digest = kSourceDigest;
  in.latest->result->destination_digest = kDestinationDigest;
  const ClaimPlan plan = PlanClaim(in, Context(), &newer);
  EXPECT_EQ(plan.status.source_digest, previous.source_digest);
  EXPECT_EQ(plan.status.destination_digest, previous.destination_digest);
}

TEST(ClaimPlanTest, SkipUnchangedOffClearsTheDigests) {
  ClaimContext ctx = Context();
  ctx.skip_unchanged = false;
  const api::PvcStatus previous = RecordedAtNine();
  // Whatever the claim is doing: idle and due, running, or just succeeded.
  ClaimInputs in = Ready();
  for (std::optional<MoverState> state :
       {std::optional<MoverState>(), std::optional(MoverState::kRunning),
        std::optional(MoverState::kSucceeded)}) {
    in.latest.reset();
    if (state) in.latest = MoverRunOf(*state, "2026-01-01T10:00:01Z");
    if (state == MoverState::kSucceeded) {
      in.latest->result->source_digest = kSourceDigest;
      in.latest->result->destination_digest = kDestinationDigest;
    }
    const ClaimPlan plan = PlanClaim(in, ctx, &previous);
    EXPECT_EQ(plan.status.source_digest, "");
    EXPECT_EQ(plan.status.destination_digest, "");
  }
}

TEST(ClaimPlanTest, ASuccessFromAnEarlierRoundStartsTheNextRound) {
  ClaimInputs in = Ready();
  in.latest = MoverRunOf(MoverState::kSucceeded, "2026-01-01T09:00:00Z");
  const ClaimPlan plan = PlanClaim(in, Context(), nullptr);
  EXPECT_EQ(plan.action, ClaimAction::kStartJob);
  EXPECT_EQ(plan.attempt, 0);
  // The earlier copy is still reported.
  EXPECT_EQ(plan.status.last_sync_time, T("2026-01-01T09:00:00Z"));
  EXPECT_EQ(plan.status.bytes, 3 * 1024 * 1024);
}

TEST(ClaimPlanTest, WithoutAJobThePreviousStatusDecides) {
  api::PvcStatus previous{.ns = "shop",
                          .name = "data",
                          .phase = PvcSyncPhase::kSynced,
                          .last_sync_time = T("2026-01-01T10:00:02Z")};
  EXPECT_EQ(PlanClaim(Ready(), Context(), &previous).action, ClaimAction::kNone);
  previous.last_sync_time = T("2026-01-01T09:59:59Z");
  EXPECT_EQ(PlanClaim(Ready(), Context(), &previous).action, ClaimAction::kStartJob);
}

TEST(ClaimPlanTest, NoRoundYetMeansNothingToDo) {
  ClaimContext ctx = Context();
  ctx.round.reset();
  const ClaimPlan plan = PlanClaim(Ready(), ctx, nullptr);
  EXPECT_EQ(plan.action, ClaimAction::kNone);
  EXPECT_EQ(plan.status.phase, PvcSyncPhase::kPending);
  EXPECT_EQ(plan.status.message, "waiting for the first object sync");
}

TEST(ClaimPlanTest, FailuresRetryWithBackoffThenGiveUpUntilTheNextRound) {
  ClaimContext ctx = Context();
  ClaimInputs in = Ready();
  in.latest = MoverRunOf(MoverState::kFailed, "2026-01-01T10:00:01Z", 0);
  const auto retry = PlanRetry(*in.latest, ctx.retry);
  ASSERT_TRUE(retry.retry);
  // Before the backoff elapsed: wait, say when.
  ctx.now = retry.at - seconds(1);
  ClaimPlan plan = PlanClaim(in, ctx, nullptr);
  EXPECT_EQ(plan.action, ClaimAction::kNone);
  EXPECT_EQ(plan.status.phase, PvcSyncPhase::kSyncing);
  EXPECT_EQ(plan.wake, retry.at);
  EXPECT_EQ(plan.status.message,
            "attempt 1 (Job app-data-1) failed: connection reset (exit code 12); retry 1 of 2 at " +
                FormatRfc3339(retry.at));
  // Then the next attempt starts.
  ctx.now = retry.at;
  plan = PlanClaim(in, ctx, nullptr);
  EXPECT_EQ(plan.action, ClaimAction::kStartJob);
  EXPECT_EQ(plan.attempt, 1);
  // The last allowed attempt failed: Failed, nothing more this round.
  in.latest = MoverRunOf(MoverState::kFailed, "2026-01-01T10:00:01Z", 2);
  ctx.now = T("2026-01-01T11:00:00Z");
  plan = PlanClaim(in, ctx, nullptr);
  EXPECT_EQ(plan.action, ClaimAction::kNone);
  EXPECT_EQ(plan.status.phase, PvcSyncPhase::kFailed);
  EXPECT_FALSE(plan.wake);
  EXPECT_EQ(plan.status.message,
            "attempt 3 (Job app-data-3) failed: connection reset (exit code 12); retries "
            "exhausted, next try at the next sync");
  // A terminal failure gives up at once.
  in.latest = MoverRunOf(MoverState::kFailed, "2026-01-01T10:00:01Z", 0);
  in.latest->retryable = false;
  EXPECT_EQ(PlanClaim(in, ctx, nullptr).status.phase, PvcSyncPhase::kFailed);
  // A new round starts over at attempt 0.
  ctx.round = T("2026-01-01T10:30:00Z");
  plan = PlanClaim(in, ctx, nullptr);
  EXPECT_EQ(plan.action, ClaimAction::kStartJob);
  EXPECT_EQ(plan.attempt, 0);
}

TEST(ClaimPlanTest, BlockersSayWhatIsMissing) {
  const struct {
    const char* name;
    std::function<void(ClaimInputs&, ClaimContext&)> change;
    PvcSyncPhase phase;
    std::string message;
  } cases[] = {
      {"no DR copy", [](ClaimInputs& in, ClaimContext&) { in.destination_found = false; },
       PvcSyncPhase::kPending, "the DR copy of claim shop/data does not exist yet"},
      {"source gone", [](ClaimInputs& in, ClaimContext&) { in.source_found = false; },
       PvcSyncPhase::kSkipped, "the source claim shop/data no longer exists"},
      {"not bound", [](ClaimInputs& in, ClaimContext&) { in.volume_name.clear(); },
       PvcSyncPhase::kPending, "the source claim shop/data is not bound yet"},
      {"DR copy in use",
       [](ClaimInputs& in, ClaimContext&) { in.in_use_by = "Deployment shop-dr/web (1 replica)"; },
       PvcSyncPhase::kSkipped,
       "paused: the DR copy is in use by Deployment shop-dr/web (1 replica); data sync resumes "
       "when it is scaled to 0"},
      {"no keys", [](ClaimInputs&, ClaimContext& ctx) { ctx.keys_ready = false; },
       PvcSyncPhase::kPending, "waiting for the SSH keys of the source's agents"},
      {"access just granted",
       [](ClaimInputs& in, ClaimContext& ctx) { in.access_granted = ctx.now - seconds(10); },
       PvcSyncPhase::kPending, "waiting for the agents to learn the access to shop/data"},
      {"not mounted",
       [](ClaimInputs& in, ClaimContext&) {
         in.location = {std::nullopt, LocateFailure::kNotMounted,
                        "claim shop/data is not mounted by any running pod"};
       },
       PvcSyncPhase::kSkipped,
       "claim shop/data is not mounted by any running pod (set "
       "dataSyncConfig.mountUnattachedVolumes to copy it)"},
      {"no agent",
       [](ClaimInputs& in, ClaimContext&) {
         in.location = {std::nullopt, LocateFailure::kNoAgent, "no agent on node-1"};
       },
       PvcSyncPhase::kPending, "no agent on node-1"},
  };
  for (const auto& c : cases) {
    ClaimInputs in = Ready();
    ClaimContext ctx = Context();
    c.change(in, ctx);
    const ClaimPlan plan = PlanClaim(in, ctx, nullptr);
    EXPECT_EQ(plan.action, ClaimAction::kNone) << c.name;
    EXPECT_EQ(plan.status.phase, c.phase) << c.name;
    EXPECT_EQ(plan.status.message, c.message) << c.name;
  }
}

TEST(ClaimPlanTest, AccessPropagationWakesWhenItIsDone) {
  ClaimInputs in = Ready();
  ClaimContext ctx = Context();
  in.access_granted = ctx.now - seconds(10);
  EXPECT_EQ(PlanClaim(in, ctx, nullptr).wake, ctx.now + seconds(50));
}

TEST(ClaimPlanTest, UnattachedClaimsGetATemporaryMountPodWhenAllowed) {
  ClaimInputs in = Ready();
  in.location = {std::nullopt, LocateFailure::kNotMounted, "claim shop/data is not mounted"};
  ClaimContext ctx = Context();
  ctx.mount_unattached = true;
  ClaimPlan plan = PlanClaim(in, ctx, nullptr);
  EXPECT_EQ(plan.action, ClaimAction::kCreateMountPod);
  EXPECT_EQ(plan.status.phase, PvcSyncPhase::kPending);
  in.mount_pod_exists = true;
  plan = PlanClaim(in, ctx, nullptr);
  EXPECT_EQ(plan.action, ClaimAction::kNone);
  EXPECT_EQ(plan.status.message,
            "claim shop/data is not mounted; waiting for the temporary mount pod to run");
  // Once it runs the claim is located through it and the mover starts;
  // after success the pod goes.
  in.location = Ready().location;
  EXPECT_EQ(PlanClaim(in, ctx, nullptr).action, ClaimAction::kStartJob);
  in.latest = MoverRunOf(MoverState::kSucceeded, "2026-01-01T10:00:02Z");
  EXPECT_TRUE(PlanClaim(in, ctx, nullptr).delete_mount_pod);
}

TEST(ClaimPlanTest, LimitStartsFavoursTheLongestUnsynced) {
  const auto now = T("2026-01-01T10:00:00Z");
  auto plan = [](const char* name, std::optional<const char*> last) {
    ClaimPlan p;
    p.action = ClaimAction::kStartJob;
    p.status.ns = "shop";
    p.status.name = name;
    if (last) p.status.last_sync_time = T(*last);
    return p;
  };
  std::vector<ClaimPlan> plans = {plan("b", "2026-01-01T09:00:00Z"),
                                  plan("a", "2026-01-01T08:00:00Z"), plan("c", std::nullopt),
                                  plan("d", "2026-01-01T09:30:00Z")};
  plans.push_back(ClaimPlan{});  // not starting: untouched
  EXPECT_EQ(LimitStarts(plans, 2, "waiting for a free slot", now), 2);
  std::vector<std::string> started;
  for (const auto& p : plans) {
    if (p.action == ClaimAction::kStartJob) started.push_back(p.status.name);
  }
  EXPECT_EQ(started, (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(plans[0].status.phase, PvcSyncPhase::kPending);
  EXPECT_EQ(plans[0].status.message, "waiting for a free slot");
  EXPECT_EQ(LimitStarts(plans, 0, "full", now), 0);
}

TEST(ClaimPlanTest, HumanBytes) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(1023), "1023 B");
  EXPECT_EQ(HumanBytes(1536), "1.5 KiB");
  EXPECT_EQ(HumanBytes(5LL * 1024 * 1024 * 1024), "5.0 GiB");
}

}  // namespace
}  // namespace drs::controller::datasync
