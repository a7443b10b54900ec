#include "controller/remotecluster/status_plan.h"

#include <gtest/gtest.h>

#include "base/fake_clock.h"

namespace drs::controller {
namespace {

using api::ConditionStatus;

api::RemoteCluster Cluster() {
  api::RemoteCluster rc;
  rc.metadata.name = "dr";
  rc.metadata.ns = "ops";
  rc.metadata.generation = 3;
  rc.spec.kubeconfig_secret_ref = {.name = "dr-kc", .ns = "ops", .key = "kubeconfig"};
  return rc;
}

struct Want {
  ConditionStatus kubeconfig, reachable, ready;
  std::string ready_reason;
};

void Expect(const api::RemoteClusterStatus& s, const Want& w, const std::string& name) {
  const auto* kc = api::FindCondition(s.conditions, api::kConditionKubeconfigValid);
  const auto* reach = api::FindCondition(s.conditions, api::kConditionReachable);
  const auto* ready = api::FindCondition(s.conditions, api::kConditionReady);
  ASSERT_TRUE(kc && reach && ready) << name;
  EXPECT_EQ(kc->status, w.kubeconfig) << name;
  EXPECT_EQ(reach->status, w.reachable) << name;
  EXPECT_EQ(ready->status, w.ready) << name;
  EXPECT_EQ(ready->reason, w.ready_reason) << name;
  EXPECT_EQ(ready->observed_generation, 3) << name;
  EXPECT_EQ(s.observed_generation, 3) << name;
  EXPECT_EQ(s.message, ready->message) << name;
}

TEST(RemoteClusterStatusPlanTest, ConditionsFollowWhatWasObserved) {
  FakeClock clock;
  const ProbeResult up{.reachable = true, .server_version = "v1.36.3", .username = "admin"};
  const ProbeResult down{.reachable = false, .reason = "ConnectionFailed", .message = "refused"};
  const ProbeResult unauthorized{.reachable = false, .reason = "Unauthorized", .message = "401"};
  const struct {
    const char* name;
    RemoteClusterObservation observed;
    Want want;
  } cases[] = {
      {"all good",
       {{true, "", ""}, up},
       {ConditionStatus::kTrue, ConditionStatus::kTrue, ConditionStatus::kTrue, "Ready"}},
      {"secret missing",
       {{false, "SecretNotFound", "Secret ops/dr-kc not found"}, std::nullopt},
       {ConditionStatus::kFalse, ConditionStatus::kUnknown, ConditionStatus::kFalse,
        "SecretNotFound"}},
      {"unreachable",
       {{true, "", ""}, down},
       {ConditionStatus::kTrue, ConditionStatus::kFalse, ConditionStatus::kFalse,
        "ConnectionFailed"}},
      {"bad credentials",
       {{true, "", ""}, unauthorized},
       {ConditionStatus::kTrue, ConditionStatus::kFalse, ConditionStatus::kFalse, "Unauthorized"}},
  };
  for (const auto& c : cases) {
    const auto status = PlanStatus(Cluster(), c.observed, clock.WallNow());
    Expect(status, c.want, c.name);
  }
}

TEST(RemoteClusterStatusPlanTest, ServerVersionAndProbeTime) {
  FakeClock clock;
  auto rc = Cluster();
  const auto status =
      PlanStatus(rc, {{true, "", ""}, ProbeResult{.reachable = true, .server_version = "v1.36.3"}},
                 clock.WallNow());
  EXPECT_EQ(status.server_version, "v1.36.3");
  EXPECT_EQ(status.last_probe_time, clock.WallNow());
  // A failed probe keeps the last known version.
  rc.status = status;
  const auto later = PlanStatus(
      rc, {{true, "", ""}, ProbeResult{.reachable = false, .reason = "Timeout"}}, clock.WallNow());
  EXPECT_EQ(later.server_version, "v1.36.3");
}

TEST(RemoteClusterStatusPlanTest, TransitionTimeMovesOnlyOnChange) {
  FakeClock clock;
  auto rc = Cluster();
  const RemoteClusterObservation good{{true, "", ""}, ProbeResult{.reachable = true}};
  rc.status = PlanStatus(rc, good, clock.WallNow());
  const auto first =
      api::FindCondition(rc.status.conditions, api::kConditionReady)->last_transition_time;
  clock.Advance(std::chrono::minutes(1));
  const auto again = PlanStatus(rc, good, clock.WallNow());
  EXPECT_EQ(api::FindCondition(again.conditions, api::kConditionReady)->last_transition_time,
            first);
  const auto bad = PlanStatus(
      rc, {{true, "", ""}, ProbeResult{.reachable = false, .reason = "Timeout"}}, clock.WallNow());
  EXPECT_NE(api::FindCondition(bad.conditions, api::kConditionReady)->last_transition_time, first);
}

TEST(RemoteClusterStatusPlanTest, WritesOnlyOnChangeOrHeartbeat) {
  FakeClock clock;
  auto rc = Cluster();
  const RemoteClusterObservation good{{true, "", ""}, ProbeResult{.reachable = true}};
  const auto first = PlanStatus(rc, good, clock.WallNow());
  EXPECT_TRUE(StatusNeedsWrite(rc.status, first));  // nothing written yet
  rc.status = first;
  clock.Advance(std::chrono::seconds(30));
  EXPECT_FALSE(StatusNeedsWrite(rc.status, PlanStatus(rc, good, clock.WallNow())));
  clock.Advance(kProbeTimeHeartbeat);
  EXPECT_TRUE(StatusNeedsWrite(rc.status, PlanStatus(rc, good, clock.WallNow())));
  const RemoteClusterObservation bad{{false, "KeyMissing", "no key"}, std::nullopt};
  EXPECT_TRUE(StatusNeedsWrite(rc.status, PlanStatus(rc, bad, clock.WallNow())));
}

TEST(RemoteClusterStatusPlanTest, RotateKeysIsPendingOncePerNewValue) {
  auto rc = Cluster();
  EXPECT_EQ(PendingKeyRotation(rc), "");  // no annotation
  rc.metadata.annotations[std::string(api::kRotateKeysAnnotation)] = "";
  EXPECT_EQ(PendingKeyRotation(rc), "");  // an empty value is no request
  rc.metadata.annotations[std::string(api::kRotateKeysAnnotation)] = "leak-1";
  EXPECT_EQ(PendingKeyRotation(rc), "leak-1");
  rc.status.last_handled_key_rotation = "leak-1";  // what the status records after it
  EXPECT_EQ(PendingKeyRotation(rc), "");
  rc.metadata.annotations[std::string(api::kRotateKeysAnnotation)] = "leak-2";
  EXPECT_EQ(PendingKeyRotation(rc), "leak-2");
  // The status keeps what was handled through a plan.
  rc.status.last_key_rotation_time = Clock::WallTime{};
  const RemoteClusterObservation good{{true, "", ""}, ProbeResult{.reachable = true}};
  const auto planned = PlanStatus(rc, good, Clock::WallTime{});
  EXPECT_EQ(planned.last_handled_key_rotation, "leak-1");
  EXPECT_TRUE(planned.last_key_rotation_time.has_value());
}

}  // namespace
}  // namespace drs::controller
