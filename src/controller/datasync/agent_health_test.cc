#include "controller/datasync/agent_health.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace drs::controller::datasync {
namespace {

using nlohmann::json;

json AgentPod(const std::string& node, const std::string& ip, bool ready) {
  return {{"spec", {{"nodeName", node}}},
          {"status",
           {{"phase", "Running"},
            {"podIP", ip},
            {"conditions", {{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}}}}};
}

TEST(AgentHealthTest, TargetsAreTheReadyAgentsByNode) {
  const auto targets = ReadyAgentTargets({AgentPod("node-b", "10.0.0.2", true),
                                          AgentPod("node-c", "10.0.0.3", false),
                                          AgentPod("node-a", "10.0.0.1", true)});
  EXPECT_EQ(targets, (std::vector<AgentTarget>{{"node-a", "10.0.0.1"}, {"node-b", "10.0.0.2"}}));
}

TEST(AgentHealthTest, ArgvPinsTheHostKeyOffersOnlyTheKeyAndRunsTheHealthCommand) {
  const auto argv =
      HealthSshArgv({"/tmp/d/id", "/tmp/d/known_hosts"}, {"node-a", "10.0.0.1"}, 2222);
  const auto has = [&](const std::string& arg) {
    return std::find(argv.begin(), argv.end(), arg) != argv.end();
  };
  ASSERT_GE(argv.size(), 4u);
  EXPECT_EQ(argv.front(), "ssh");
  EXPECT_EQ(std::vector<std::string>(argv.end() - 4, argv.end()),
            (std::vector<std::string>{"-l", "root", "10.0.0.1", "dr-syncer-health"}));
  for (const char* expected :
       {"StrictHostKeyChecking=yes", "UserKnownHostsFile=/tmp/d/known_hosts",
        "GlobalKnownHostsFile=/dev/null", "IdentitiesOnly=yes", "IdentityAgent=none",
        "BatchMode=yes", "/tmp/d/id", "2222", "/dev/null"}) {
    EXPECT_TRUE(has(expected)) << expected;
  }
  const auto i = std::find(argv.begin(), argv.end(), "-i");
  ASSERT_NE(i, argv.end());
  EXPECT_EQ(*(i + 1), "/tmp/d/id");
}

TEST(AgentHealthTest, AnswerMustBeJsonNamingTheNode) {
  EXPECT_TRUE(CheckHealthAnswer(R"({"node":"node-a","version":"1","keyId":"controller/1",)"
                                R"("time":"2026-01-01T00:00:00Z"})"
                                "\n",
                                "node-a")
                  .ok());
  const Status wrong = CheckHealthAnswer(R"({"node":"node-b"})", "node-a");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message().find("\"node-b\", not \"node-a\""), std::string::npos);
  const Status garbage = CheckHealthAnswer("Welcome to the machine\n", "node-a");
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.error().message().find("not a JSON object"), std::string::npos);
  EXPECT_FALSE(CheckHealthAnswer("", "node-a").ok());
  EXPECT_FALSE(CheckHealthAnswer("[1,2]", "node-a").ok());
  EXPECT_FALSE(CheckHealthAnswer(R"({"node":7})", "node-a").ok());
  EXPECT_FALSE(CheckHealthAnswer(R"({"version":"1"})", "node-a").ok());
}

TEST(AgentHealthTest, FirstLineSkipsBlankLinesAndBoundsLength) {
  EXPECT_EQ(FirstLine("\n  Permission denied (publickey).\r\nmore\n", "x"),
            "Permission denied (publickey).");
  EXPECT_EQ(FirstLine("\n \n", "ssh exited 255"), "ssh exited 255");
  EXPECT_EQ(FirstLine(std::string(500, 'a'), "x"), std::string(200, 'a') + "...");
}

api::RemoteClusterStatus ReadyStatus(std::int32_t ready) {
  api::RemoteClusterStatus status;
  status.agents = api::AgentCounts{.desired = ready, .ready = ready};
  api::SetCondition(status.conditions,
                    {.type = std::string(api::kConditionAgentsReady),
                     .status = api::ConditionStatus::kTrue,
                     .reason = "Ready",
                     .message = "2 of 2 agents ready"},
                    Clock::WallTime{});
  return status;
}

AgentHealth Ok(const std::string& node) { return {{node, "10.0.0.9"}, true, ""}; }
AgentHealth Failed(const std::string& node, const std::string& reason) {
  return {{node, "10.0.0.9"}, false, reason};
}

TEST(AgentHealthTest, EveryAgentAnsweringKeepsAgentsReady) {
  auto status = ReadyStatus(2);
  ApplyAgentReachability(status, {Ok("node-a"), Ok("node-b")}, 3, Clock::WallTime{});
  EXPECT_EQ(status.agents->reachable, 2);
  const auto* c = api::FindCondition(status.conditions, api::kConditionAgentsReady);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->status, api::ConditionStatus::kTrue);
  EXPECT_EQ(c->reason, "Ready");
}

TEST(AgentHealthTest, AFailingAgentMakesAgentsUnreachableNamingTheFirst) {
  auto status = ReadyStatus(3);
  ApplyAgentReachability(status,
                         {Ok("node-a"), Failed("node-b", "Permission denied (publickey)."),
                          Failed("node-c", "no answer within 10s")},
                         3, Clock::WallTime{});
  EXPECT_EQ(status.agents->reachable, 1);
  const auto* c = api::FindCondition(status.conditions, api::kConditionAgentsReady);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->status, api::ConditionStatus::kFalse);
  EXPECT_EQ(c->reason, "Unreachable");
  EXPECT_EQ(c->observed_generation, 3);
  EXPECT_NE(c->message.find("node node-b"), std::string::npos) << c->message;
  EXPECT_NE(c->message.find("Permission denied (publickey)."), std::string::npos) << c->message;
  EXPECT_NE(c->message.find("1 of 3 ready agents answered"), std::string::npos) << c->message;
  EXPECT_EQ(c->message.find("node-c"), std::string::npos) << c->message;
}

TEST(AgentHealthTest, AnEarlierProblemKeepsItsReasonButIsCounted) {
  auto status = ReadyStatus(2);
  api::SetCondition(status.conditions,
                    {.type = std::string(api::kConditionAgentsReady),
                     .status = api::ConditionStatus::kFalse,
                     .reason = "NotReady",
                     .message = "1 of 2 agents ready"},
                    Clock::WallTime{});
  ApplyAgentReachability(status, {Failed("node-a", "refused")}, 1, Clock::WallTime{});
  EXPECT_EQ(status.agents->reachable, 0);
  EXPECT_EQ(api::FindCondition(status.conditions, api::kConditionAgentsReady)->reason, "NotReady");
}

TEST(AgentHealthTest, ACheckThatCouldNotRunMakesAgentsUnreachable) {
  auto status = ReadyStatus(2);
  status.agents->reachable = 2;
  ApplyAgentCheckError(status, "listing the agent pods: Forbidden", 1, Clock::WallTime{});
  EXPECT_EQ(status.agents->reachable, 0);
  const auto* c = api::FindCondition(status.conditions, api::kConditionAgentsReady);
  EXPECT_EQ(c->reason, "Unreachable");
  EXPECT_NE(c->message.find("listing the agent pods: Forbidden"), std::string::npos);
}

}  // namespace
}  // namespace drs::controller::datasync
