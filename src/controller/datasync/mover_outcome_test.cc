#include "controller/datasync/mover_outcome.h"

#include <gtest/gtest.h>

#include "base/rfc3339.h"

namespace drs::controller::datasync {
namespace {

using nlohmann::json;
using std::chrono::seconds;

Clock::WallTime T(const char* text) { return *ParseRfc3339(text); }

const char* kSucceeded = R"({"result": "Succeeded", "exitCode": 0, "reason": "", "retryable": false,
 "bytesTransferred": 2048, "bytesTotal": 4096, "filesTransferred": 2, "filesTotal": 10,
 "filesDeleted": 1, "durationSeconds": 3.5,
 "verification": {"mode": "sample", "checked": 1, "mismatches": 0}})";

json Job(const std::string& condition = "", const std::string& reason = "") {
  json job = {
      {"metadata",
       {{"name", "app-data-3"},
        {"uid", "u1"},
        {"labels", {{"dr-syncer.io/run", "3"}}},
        {"annotations",
         {{"dr-syncer.io/attempt", "2"}, {"dr-syncer.io/created-at", "2026-01-01T10:00:00Z"}}}}},
      {"spec", {{"suspend", false}}},
      {"status", json::object()}};
  if (!condition.empty()) {
    job["status"]["conditions"] = {{{"type", condition},
                                    {"status", "True"},
                                    {"reason", reason},
                                    {"lastTransitionTime", "2026-01-01T10:01:00Z"}}};
  }
  return job;
}

json Pod(const json& state) {
  return {{"metadata", {{"creationTimestamp", "2026-01-01T10:00:01Z"}}},
          {"status", {{"containerStatuses", {{{"name", "mover"}, {"state", state}}}}}}};
}

json Terminated(int code, const std::string& message, const std::string& reason = "Error") {
  return {{"terminated", {{"exitCode", code}, {"reason", reason}, {"message", message}}}};
}

TEST(MoverOutcomeTest, ParsesTheTerminationMessage) {
  auto r = ParseTerminationMessage(kSucceeded);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(r->succeeded);
  EXPECT_EQ(r->bytes_transferred, 2048);
  EXPECT_EQ(r->bytes_total, 4096);
  EXPECT_EQ(r->files_transferred, 2);
  EXPECT_EQ(r->files_total, 10);
  EXPECT_EQ(r->files_deleted, 1);
  EXPECT_DOUBLE_EQ(r->duration_seconds, 3.5);
  EXPECT_EQ(r->verification_mode, "sample");
  EXPECT_EQ(r->verification_checked, 1);
  for (const char* bad : {"", "rsync: connection refused", "[]", "{\"result\": 1}"}) {
    EXPECT_FALSE(ParseTerminationMessage(bad).ok()) << bad;
  }
}

TEST(MoverOutcomeTest, ParsesTheSkipUnchangedFields) {
  const std::string a = "sha256:" + std::string(64, 'a');
  const std::string b = "sha256:" + std::string(64, '0');
  auto skipped = ParseTerminationMessage(
      R"({"result": "Succeeded", "exitCode": 0, "bytesTransferred": 0, "bytesTotal": 4096,
          "filesTransferred": 0, "filesTotal": 10, "unchanged": true, "sourceDigest": ")" +
      a + R"(", "destinationDigest": ")" + b + R"("})");
  ASSERT_TRUE(skipped.ok()) << skipped.error();
  EXPECT_TRUE(skipped->unchanged);
  EXPECT_EQ(skipped->source_digest, a);
  EXPECT_EQ(skipped->destination_digest, b);
  EXPECT_EQ(skipped->files_total, 10);
  EXPECT_EQ(skipped->bytes_total, 4096);

  // Without --skip-unchanged the mover reports none of them.
  auto plain = ParseTerminationMessage(kSucceeded);
  ASSERT_TRUE(plain.ok()) << plain.error();
  EXPECT_FALSE(plain->unchanged);
  EXPECT_EQ(plain->source_digest, "");
  EXPECT_EQ(plain->destination_digest, "");

  // Malformed digests are dropped, never handed to the next mover.
  for (const std::string& bad :
       {"sha256:" + std::string(63, 'a'), "sha256:" + std::string(64, 'A'),
        "md5:" + std::string(64, 'a'), std::string(64, 'a'), "sha256:" + std::string(64, 'g')}) {
    auto r = ParseTerminationMessage(
        json({{"result", "Succeeded"}, {"sourceDigest", bad}, {"destinationDigest", b}}).dump());
    ASSERT_TRUE(r.ok()) << bad;
    EXPECT_EQ(r->source_digest, "") << bad;
    EXPECT_EQ(r->destination_digest, b) << bad;
  }
  auto mistyped = ParseTerminationMessage(
      R"({"result": "Succeeded", "sourceDigest": 7, "destinationDigest": null, "unchanged": "yes"})");
  ASSERT_TRUE(mistyped.ok()) << mistyped.error();
  EXPECT_EQ(mistyped->source_digest, "");
  EXPECT_EQ(mistyped->destination_digest, "");
  EXPECT_FALSE(mistyped->unchanged);
}

TEST(MoverOutcomeTest, JobStatesFromConditionsAndPods) {
  const struct {
    const char* name;
    json job;
    std::vector<json> pods;
    MoverState state;
    bool retryable;
    std::string message;
  } cases[] = {
      {"suspended",
       [] {
         auto j = Job();
         j["spec"]["suspend"] = true;
         return j;
       }(),
       {},
       MoverState::kWaiting,
       false,
       ""},
      {"running",
       [] {
         auto j = Job();
         j["status"]["active"] = 1;
         return j;
       }(),
       {Pod({{"running", json::object()}})},
       MoverState::kRunning,
       false,
       ""},
      {"image pull trouble is shown",
       Job(),
       {Pod({{"waiting", {{"reason", "ImagePullBackOff"}, {"message", "no such image"}}}})},
       MoverState::kWaiting,
       false,
       "waiting: ImagePullBackOff: no such image"},
      {"succeeded",
       Job("Complete"),
       {Pod(Terminated(0, kSucceeded, "Completed"))},
       MoverState::kSucceeded,
       false,
       ""},
      {"failed, the mover says retryable",
       Job("Failed", "BackoffLimitExceeded"),
       {Pod(Terminated(
           1, R"({"result":"Failed","exitCode":30,"reason":"timeout","retryable":true})"))},
       MoverState::kFailed,
       true,
       "timeout (exit code 30)"},
      {"failed, the mover says terminal",
       Job("Failed", "BackoffLimitExceeded"),
       {Pod(Terminated(
           1,
           R"({"result":"Failed","exitCode":23,"reason":"permission denied","retryable":false})"))},
       MoverState::kFailed,
       false,
       "permission denied (exit code 23)"},
      {"deadline: retry, the next run resumes",
       Job("Failed", "DeadlineExceeded"),
       {},
       MoverState::kFailed,
       true,
       "the transfer did not finish within its timeout"},
      {"killed without a result",
       Job("Failed", "BackoffLimitExceeded"),
       {Pod(Terminated(137, "", "OOMKilled"))},
       MoverState::kFailed,
       true,
       "the mover exited with code 137 (OOMKilled)"},
      {"crashed with a log tail",
       Job("Failed", "BackoffLimitExceeded"),
       {Pod(Terminated(2, "panic: something\nmore"))},
       MoverState::kFailed,
       true,
       "the mover exited with code 2 (Error): panic: something"},
  };
  for (const auto& c : cases) {
    const MoverRun run = ObserveMoverJob(c.job, c.pods);
    EXPECT_EQ(run.state, c.state) << c.name;
    EXPECT_EQ(run.retryable, c.retryable) << c.name;
    EXPECT_EQ(run.message, c.message) << c.name;
    EXPECT_EQ(run.run, 3) << c.name;
    EXPECT_EQ(run.attempt, 2) << c.name;
    EXPECT_EQ(run.created_at, T("2026-01-01T10:00:00Z")) << c.name;
  }
  const MoverRun done = ObserveMoverJob(Job("Complete"), {Pod(Terminated(0, kSucceeded))});
  ASSERT_TRUE(done.result);
  EXPECT_EQ(done.result->bytes_transferred, 2048);
  EXPECT_EQ(done.finished, T("2026-01-01T10:01:00Z"));
}

TEST(MoverOutcomeTest, RetriesBackOffWithStableJitterUntilTheBudgetIsSpent) {
  api::RetryConfig cfg{.max_retries = 3,
                       .initial_backoff = seconds(10),
                       .max_backoff = seconds(60),
                       .backoff_multiplier = 300};
  MoverRun run;
  run.job_name = "app-data-3";
  run.state = MoverState::kFailed;
  run.retryable = true;
  run.finished = T("2026-01-01T10:00:00Z");
  const seconds base[] = {seconds(10), seconds(30), seconds(60)};  // capped at max
  for (std::int32_t attempt = 0; attempt < 3; ++attempt) {
    run.attempt = attempt;
    const RetryPlan plan = PlanRetry(run, cfg);
    ASSERT_TRUE(plan.retry) << attempt;
    EXPECT_EQ(plan.next_attempt, attempt + 1);
    const auto delay = plan.at - *run.finished;
    EXPECT_GE(delay, base[attempt]) << attempt;
    EXPECT_LT(delay, base[attempt] * (1 + kRetryJitter)) << attempt;
    EXPECT_EQ(PlanRetry(run, cfg).at, plan.at) << "same inputs, same time";
  }
  run.attempt = 3;
  EXPECT_FALSE(PlanRetry(run, cfg).retry);
  run.attempt = 0;
  run.retryable = false;
  EXPECT_FALSE(PlanRetry(run, cfg).retry);
  // Different Jobs draw different jitter.
  run.retryable = true;
  MoverRun other = run;
  other.job_name = "app-logs-3";
  EXPECT_NE(PlanRetry(run, cfg).at, PlanRetry(other, cfg).at);
}

}  // namespace
}  // namespace drs::controller::datasync
