#include "controller/datasync/agent_status.h"

#include <gtest/gtest.h>

#include "base/rfc3339.h"

namespace drs::controller::datasync {
namespace {

using api::ConditionStatus;
using nlohmann::json;

json DaemonSet(int generation, int observed, int desired, int ready, int updated) {
  return {{"metadata", {{"generation", generation}}},
          {"status",
           {{"observedGeneration", observed},
            {"desiredNumberScheduled", desired},
            {"numberReady", ready},
            {"updatedNumberScheduled", updated}}}};
}

TEST(AgentStatusTest, Table) {
  const struct {
    const char* name;
    AgentObservation observed;
    ConditionStatus status;
    std::string reason;
    std::string message;
    api::AgentCounts counts;
  } cases[] = {
      {"all ready",
       {DaemonSet(2, 2, 3, 3, 3), ""},
       ConditionStatus::kTrue,
       "Ready",
       "3 of 3 agents ready",
       {3, 3}},
      {"rolling out",
       {DaemonSet(2, 2, 3, 3, 1), ""},
       ConditionStatus::kFalse,
       "RollingOut",
       "1 of 3 agents updated; 3 of 3 agents ready",
       {3, 3}},
      {"not ready",
       {DaemonSet(2, 2, 3, 1, 3), ""},
       ConditionStatus::kFalse,
       "NotReady",
       "1 of 3 agents ready",
       {3, 1}},
      {"no nodes",
       {DaemonSet(1, 1, 0, 0, 0), ""},
       ConditionStatus::kFalse,
       "NoNodes",
       "no node matches the agents' nodeSelector and tolerations",
       {0, 0}},
      {"controller behind",
       {DaemonSet(3, 2, 3, 3, 3), ""},
       ConditionStatus::kUnknown,
       "Pending",
       "the DaemonSet controller has not processed the latest agent settings yet",
       {3, 3}},
      {"missing",
       {std::nullopt, ""},
       ConditionStatus::kUnknown,
       "Pending",
       "the agent DaemonSet does not exist yet",
       {0, 0}},
      {"apply failed",
       {DaemonSet(2, 2, 3, 3, 3), "applying DaemonSet dr-syncer-agent: forbidden"},
       ConditionStatus::kFalse,
       "DeployFailed",
       "applying DaemonSet dr-syncer-agent: forbidden",
       {3, 3}},
  };
  for (const auto& c : cases) {
    api::RemoteClusterStatus s;
    ApplyAgentStatus(s, c.observed, 7, *ParseRfc3339("2026-01-01T00:00:00Z"));
    const auto* cond = api::FindCondition(s.conditions, api::kConditionAgentsReady);
    ASSERT_NE(cond, nullptr) << c.name;
    EXPECT_EQ(cond->status, c.status) << c.name;
    EXPECT_EQ(cond->reason, c.reason) << c.name;
    EXPECT_EQ(cond->message, c.message) << c.name;
    EXPECT_EQ(cond->observed_generation, 7) << c.name;
    ASSERT_TRUE(s.agents) << c.name;
    EXPECT_EQ(*s.agents, c.counts) << c.name;
  }
}

TEST(AgentStatusTest, ClearRemovesCountsAndCondition) {
  api::RemoteClusterStatus s;
  ApplyAgentStatus(s, {DaemonSet(1, 1, 1, 1, 1), ""}, 1, *ParseRfc3339("2026-01-01T00:00:00Z"));
  ClearAgentStatus(s);
  EXPECT_FALSE(s.agents);
  EXPECT_EQ(api::FindCondition(s.conditions, api::kConditionAgentsReady), nullptr);
}

}  // namespace
}  // namespace drs::controller::datasync
