#include "controller/datasync/source_locator.h"

#include <gtest/gtest.h>

#include "controller/datasync/json_read.h"

namespace drs::controller::datasync {
namespace {

using nlohmann::json;

json Pod(const std::string& name, const std::string& node, const std::string& claim,
         const std::string& phase = "Running", bool deleting = false) {
  json p = {{"metadata", {{"name", name}, {"namespace", "shop"}}},
            {"spec",
             {{"nodeName", node},
              {"volumes", {{{"name", "v"}, {"persistentVolumeClaim", {{"claimName", claim}}}}}}}},
            {"status", {{"phase", phase}}}};
  if (deleting) p["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  return p;
}

json Agent(const std::string& node, const std::string& ip, bool ready = true) {
  return {{"metadata", {{"name", "agent-" + node}, {"namespace", "dr-syncer-agent"}}},
          {"spec", {{"nodeName", node}}},
          {"status",
           {{"phase", "Running"},
            {"podIP", ip},
            {"hostIP", ip},
            {"conditions", {{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}}}}};
}

TEST(SourceLocatorTest, FindsTheReadyAgentOnTheNodeOfARunningUser) {
  const std::vector<json> pods = {
      Pod("old", "node-1", "data", "Running", /*deleting=*/true),
      Pod("done", "node-2", "data", "Succeeded"),
      Pod("other", "node-2", "logs"),
      Pod("web-b", "node-3", "data"),
      Pod("web-a", "node-3", "data"),
  };
  const std::vector<json> agents = {Agent("node-1", "10.0.0.1"), Agent("node-2", "10.0.0.2"),
                                    Agent("node-3", "10.0.0.3")};
  const Location loc = LocateSource("shop", "data", pods, agents);
  ASSERT_TRUE(loc.endpoint) << loc.message;
  EXPECT_EQ(loc.endpoint->node, "node-3");
  EXPECT_EQ(loc.endpoint->address, "10.0.0.3");
  EXPECT_EQ(loc.endpoint->pod, "web-a");  // deterministic: the first name
}

TEST(SourceLocatorTest, ReportsAnUnmountedClaim) {
  const Location loc =
      LocateSource("shop", "data", {Pod("x", "node-1", "logs")}, {Agent("node-1", "10.0.0.1")});
  EXPECT_FALSE(loc.endpoint);
  EXPECT_EQ(loc.failure, LocateFailure::kNotMounted);
  EXPECT_EQ(loc.message, "claim shop/data is not mounted by any running pod");
}

TEST(SourceLocatorTest, ReportsAMissingOrUnreadyAgentWithTheNode) {
  const std::vector<json> pods = {Pod("web", "node-1", "data")};
  for (const auto& agents : {std::vector<json>{}, std::vector<json>{Agent("node-1", "1", false)},
                             std::vector<json>{Agent("node-2", "10.0.0.2")}}) {
    const Location loc = LocateSource("shop", "data", pods, agents);
    EXPECT_FALSE(loc.endpoint);
    EXPECT_EQ(loc.failure, LocateFailure::kNoAgent);
    EXPECT_EQ(loc.message,
              "claim shop/data is mounted on node-1 (pod web) but no dr-syncer agent is ready "
              "there");
  }
}

TEST(SourceLocatorTest, MountPodLandsOnAReadyAgentNodeReadOnly) {
  MountPodSettings settings{.replication = "ops/app", .image = "registry.k8s.io/pause:3.10"};
  settings.agent.tolerations = json::array({{{"operator", "Exists"}}});
  const std::vector<json> agents = {Agent("node-1", "10.0.0.1", false), Agent("node-2", "10.0.0.2"),
                                    Agent("node-3", "10.0.0.3")};
  const auto pod = MountPod("shop", "data", settings, agents);
  ASSERT_TRUE(pod);
  const std::string node = StringAt(*pod, {"spec", "nodeName"});
  EXPECT_TRUE(node == "node-2" || node == "node-3") << node;
  // Stable for the same claim.
  EXPECT_EQ(StringAt(*MountPod("shop", "data", settings, agents), {"spec", "nodeName"}), node);
  EXPECT_EQ(StringAt(*pod, {"metadata", "namespace"}), "shop");
  EXPECT_EQ(StringAt(*pod, {"metadata", "name"}), MountPodName("ops/app", "data"));
  EXPECT_LE(MountPodName("ops/app", std::string(250, 'c')).size(), 63u);
  EXPECT_EQ(At(*pod, {"spec", "volumes"})[0]["persistentVolumeClaim"],
            json({{"claimName", "data"}, {"readOnly", true}}));
  EXPECT_EQ(At(*pod, {"spec", "tolerations"}), settings.agent.tolerations);
  EXPECT_EQ(StringAt(*pod, {"metadata", "labels", "app.kubernetes.io/managed-by"}), "dr-syncer");
  EXPECT_TRUE(PodMountsClaim(*pod, "data"));
  EXPECT_FALSE(MountPod("shop", "data", settings, {Agent("node-1", "10.0.0.1", false)}));
}

TEST(SourceLocatorTest, MalformedPodsAreIgnoredNotFatal) {
  const std::vector<json> pods = {json(), json::array(), json{{"spec", 3}},
                                  json{{"spec", {{"volumes", "x"}}}}};
  const Location loc = LocateSource("shop", "data", pods, {json{{"status", 1}}});
  EXPECT_EQ(loc.failure, LocateFailure::kNotMounted);
}

}  // namespace
}  // namespace drs::controller::datasync
