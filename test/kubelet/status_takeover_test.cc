#include "kubelet/status_takeover.h"

#include <gtest/gtest.h>

#include "kubelet/pod_status.h"

namespace drs::kubelet {
namespace {

using nlohmann::json;

json Pod(const std::string& policy, json statuses, json init_statuses = json::array()) {
  return {{"spec",
           {{"restartPolicy", policy},
            {"initContainers", json::array({{{"name", "init"}, {"image", "testbed/exec"}}})},
            {"containers", json::array({{{"name", "a"}, {"image", "testbed/exec"}},
                                        {{"name", "b"}, {"image", "nginx"}}})}}},
          {"status",
           {{"initContainerStatuses", std::move(init_statuses)},
            {"containerStatuses", std::move(statuses)}}}};
}

const json kInitDone = json::array(
    {{{"name", "init"}, {"state", {{"terminated", {{"exitCode", 0}, {"reason", "Completed"}}}}}}});

TEST(TakeOverContainersTest, ANewPodStartsFresh) {
  PodRuntime rt;
  TakeOverContainers(Pod("Always", json::array()), rt, std::chrono::system_clock::now());
  ASSERT_EQ(rt.init_containers.size(), 1u);
  ASSERT_EQ(rt.containers.size(), 2u);
  EXPECT_EQ(rt.containers[1].image, "nginx");
  EXPECT_FALSE(rt.containers[0].ever_started);
  EXPECT_EQ(rt.containers[0].phase, ContainerPhase::kWaiting);
}

TEST(TakeOverContainersTest, RunningContainersAreLostAndRestartedPerPolicy) {
  const json statuses = json::array(
      {{{"name", "a"},
        {"restartCount", 3},
        {"state", {{"running", {{"startedAt", "2026-01-01T00:00:00Z"}}}}}},
       {{"name", "b"}, {"state", {{"terminated", {{"exitCode", 0}, {"reason", "Completed"}}}}}}});
  PodRuntime always;
  TakeOverContainers(Pod("Always", statuses, kInitDone), always, std::chrono::system_clock::now());
  EXPECT_EQ(always.init_containers[0].phase, ContainerPhase::kTerminated);
  const ContainerRuntime& a = always.containers[0];
  EXPECT_EQ(a.phase, ContainerPhase::kWaiting);
  EXPECT_EQ(a.restart_count, 3);
  ASSERT_TRUE(a.last);
  EXPECT_EQ(a.last->exit_code, 137);
  EXPECT_EQ(a.last->reason, "ContainerStatusUnknown");
  EXPECT_EQ(always.containers[1].phase, ContainerPhase::kWaiting);  // Always restarts exit 0 too
  EXPECT_EQ(PodPhase(Pod("Always", statuses, kInitDone), always), "Running");

  PodRuntime never;
  TakeOverContainers(Pod("Never", statuses, kInitDone), never, std::chrono::system_clock::now());
  EXPECT_EQ(never.containers[0].phase, ContainerPhase::kTerminated);
  EXPECT_EQ(never.containers[0].current->exit_code, 137);
  EXPECT_EQ(never.containers[1].phase, ContainerPhase::kTerminated);
  EXPECT_EQ(PodPhase(Pod("Never", statuses, kInitDone), never), "Failed");
}

TEST(TakeOverContainersTest, AFinishedPodStaysFinished) {
  const json statuses = json::array(
      {{{"name", "a"}, {"state", {{"terminated", {{"exitCode", 0}, {"message", "done"}}}}}},
       {{"name", "b"}, {"state", {{"terminated", {{"exitCode", 0}}}}}}});
  PodRuntime rt;
  const json pod = Pod("OnFailure", statuses, kInitDone);
  TakeOverContainers(pod, rt, std::chrono::system_clock::now());
  EXPECT_EQ(rt.containers[0].current->message, "done");
  EXPECT_EQ(PodPhase(pod, rt), "Succeeded");
}

}  // namespace
}  // namespace drs::kubelet
