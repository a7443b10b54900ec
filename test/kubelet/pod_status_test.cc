#include "kubelet/pod_status.h"

#include <gtest/gtest.h>

#include "base/rfc3339.h"

namespace drs::kubelet {
namespace {

using nlohmann::json;

json Pod(const std::string& restart_policy, json status = json::object()) {
  return {{"metadata", {{"name", "p"}, {"namespace", "ns"}}},
          {"spec", {{"restartPolicy", restart_policy}}},
          {"status", std::move(status)}};
}

ContainerRuntime Running(const std::string& name) {
  ContainerRuntime c;
  c.name = name;
  c.image = "testbed/exec";
  c.phase = ContainerPhase::kRunning;
  c.ever_started = true;
  c.startup.ok = c.readiness.ok = true;
  return c;
}

ContainerRuntime Exited(const std::string& name, int code) {
  ContainerRuntime c = Running(name);
  c.phase = ContainerPhase::kTerminated;
  c.current = Termination{.exit_code = code, .reason = code == 0 ? "Completed" : "Error"};
  return c;
}

ContainerRuntime Restarting(const std::string& name, int last_code) {
  ContainerRuntime c = Running(name);
  c.phase = ContainerPhase::kWaiting;
  c.waiting_reason = "CrashLoopBackOff";
  c.last = Termination{.exit_code = last_code};
  return c;
}

// ContainerRuntime is move-only (it owns the process), hence variadic builders.
template <typename... C>
PodRuntime With(C... containers) {
  PodRuntime rt;
  rt.host_ip = "127.0.1.1";
  rt.volumes_ready = true;
  (rt.containers.push_back(std::move(containers)), ...);
  return rt;
}

PodRuntime WithInit(ContainerRuntime init, ContainerRuntime main) {
  PodRuntime rt = With(std::move(main));
  init.is_init = true;
  rt.init_containers.push_back(std::move(init));
  return rt;
}

ContainerRuntime Fresh() {
  ContainerRuntime c;
  c.name = "c";
  return c;
}

TEST(PodPhaseTest, FollowsTheKubeletsRules) {
  EXPECT_EQ(PodPhase(Pod("Always"), With()), "Pending");
  EXPECT_EQ(PodPhase(Pod("Always"), With(Running("a"))), "Running");
  EXPECT_EQ(PodPhase(Pod("Always"), With(Running("a"), Fresh())), "Pending");
  EXPECT_EQ(PodPhase(Pod("Never"), With(Exited("a", 0))), "Succeeded");
  EXPECT_EQ(PodPhase(Pod("Never"), With(Exited("a", 0), Exited("b", 2))), "Failed");
  EXPECT_EQ(PodPhase(Pod("Never"), With(Exited("a", 2), Running("b"))), "Running");
  EXPECT_EQ(PodPhase(Pod("OnFailure"), With(Restarting("a", 1))), "Running");
  EXPECT_EQ(PodPhase(Pod("OnFailure"), With(Exited("a", 0))), "Succeeded");
  EXPECT_EQ(PodPhase(Pod("Always"), With(Restarting("a", 0))), "Running");
  // Init containers hold the pod in Pending; a failed one with Never fails it.
  EXPECT_EQ(PodPhase(Pod("Never"), WithInit(Running("init"), Fresh())), "Pending");
  EXPECT_EQ(PodPhase(Pod("Never"), WithInit(Exited("init", 1), Fresh())), "Failed");
  EXPECT_EQ(PodPhase(Pod("OnFailure"), WithInit(Restarting("init", 1), Fresh())), "Pending");
  EXPECT_EQ(PodPhase(Pod("Never"), WithInit(Exited("init", 0), Running("a"))), "Running");
  // Deleted: decided by the exit codes whatever the restart policy.
  PodRuntime deleted = With(Exited("a", 143));
  deleted.terminating = true;
  EXPECT_EQ(PodPhase(Pod("Always"), deleted), "Failed");
  PodRuntime failed = With(Running("a"));
  failed.failure_reason = "UnsupportedVolume";
  EXPECT_EQ(PodPhase(Pod("Always"), failed), "Failed");
}

TEST(PodStatusForTest, RunningPodIsReadyWithIpsAndContainerStates) {
  const auto now = std::chrono::system_clock::now();
  PodRuntime rt = With(Running("a"));
  rt.start_time = now;
  rt.containers[0].started_at = now;
  rt.containers[0].restart_count = 2;
  rt.containers[0].last = Termination{.exit_code = 1, .reason = "Error"};
  const json s = PodStatusFor(Pod("Always"), rt, now);
  EXPECT_EQ(s["phase"], "Running");
  EXPECT_EQ(s["hostIP"], "127.0.1.1");
  EXPECT_EQ(s["podIPs"], json::array({{{"ip", "127.0.1.1"}}}));
  EXPECT_EQ(s["startTime"], FormatRfc3339(now));
  const json& c = s["containerStatuses"][0];
  EXPECT_EQ(c["ready"], true);
  EXPECT_EQ(c["started"], true);
  EXPECT_EQ(c["restartCount"], 2);
  EXPECT_EQ(c["state"]["running"]["startedAt"], FormatRfc3339(now));
  EXPECT_EQ(c["lastState"]["terminated"]["exitCode"], 1);
  json ready;
  for (const auto& cond : s["conditions"]) {
    if (cond["type"] == "Ready") ready = cond;
  }
  EXPECT_EQ(ready["status"], "True");
}

TEST(PodStatusForTest, KeepsForeignConditionsAndTransitionTimes) {
  const auto earlier = std::chrono::system_clock::now() - std::chrono::hours(1);
  const auto now = std::chrono::system_clock::now();
  const json pod = Pod(
      "Always", {{"conditions", json::array({{{"type", "PodScheduled"}, {"status", "True"}},
                                             {{"type", "Ready"},
                                              {"status", "True"},
                                              {"lastTransitionTime", FormatRfc3339(earlier)}}})}});
  const json s = PodStatusFor(pod, With(Running("a")), now);
  bool scheduled = false;
  for (const auto& cond : s["conditions"]) {
    if (cond["type"] == "PodScheduled") scheduled = true;
    if (cond["type"] == "Ready") {
      EXPECT_EQ(cond["lastTransitionTime"], FormatRfc3339(earlier));
    }
    if (cond["type"] == "ContainersReady") {
      EXPECT_EQ(cond["lastTransitionTime"], FormatRfc3339(now));
    }
  }
  EXPECT_TRUE(scheduled);
}

TEST(PodStatusForTest, UnreadyContainerAndTerminatedMessage) {
  const auto now = std::chrono::system_clock::now();
  PodRuntime rt = With(Running("a"), Exited("b", 3));
  rt.containers[0].readiness.ok = false;
  rt.containers[1].current->message = "disk full";
  const json s = PodStatusFor(Pod("Never"), rt, now);
  EXPECT_EQ(s["phase"], "Running");
  EXPECT_EQ(s["containerStatuses"][0]["ready"], false);
  EXPECT_EQ(s["containerStatuses"][1]["state"]["terminated"]["message"], "disk full");
  EXPECT_EQ(s["containerStatuses"][1]["state"]["terminated"]["exitCode"], 3);
  for (const auto& cond : s["conditions"]) {
    if (cond["type"] == "Ready") {
      EXPECT_EQ(cond["status"], "False");
      EXPECT_EQ(cond["message"], "containers with unready status: [a b]");
    }
  }
}

TEST(StatusNeedsWriteTest, OnlyWhenAnOwnedFieldDiffers) {
  const auto now = std::chrono::system_clock::now();
  const json desired = PodStatusFor(Pod("Always"), With(Running("a")), now);
  EXPECT_TRUE(StatusNeedsWrite(Pod("Always"), desired));
  json pod = Pod("Always", desired);
  pod["status"]["qosClass"] = "BestEffort";  // not ours
  EXPECT_FALSE(StatusNeedsWrite(pod, desired));
  pod["status"]["phase"] = "Pending";
  EXPECT_TRUE(StatusNeedsWrite(pod, desired));
}

}  // namespace
}  // namespace drs::kubelet
