#include "api/condition.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/rfc3339.h"

namespace drs::api {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

Clock::WallTime At(std::string_view text) { return ParseRfc3339(text).value(); }

Condition Ready(ConditionStatus status, std::string reason, std::string message = "") {
  return Condition{.type = "Ready",
                   .status = status,
                   .reason = std::move(reason),
                   .message = std::move(message)};
}

TEST(ConditionTest, NewConditionTakesNowAsTransitionTime) {
  std::vector<Condition> conditions;
  EXPECT_TRUE(SetCondition(conditions, Ready(ConditionStatus::kTrue, "Probed"),
                           At("2026-01-01T10:00:00.750Z")));
  ASSERT_EQ(conditions.size(), 1U);
  // Whole seconds, as metav1.Time stores them.
  EXPECT_EQ(conditions[0].last_transition_time, At("2026-01-01T10:00:00Z"));
  EXPECT_TRUE(IsConditionTrue(conditions, "Ready"));
}

TEST(ConditionTest, TransitionTimeMovesOnlyWhenStatusChanges) {
  std::vector<Condition> conditions;
  ASSERT_TRUE(SetCondition(conditions, Ready(ConditionStatus::kFalse, "Unreachable", "refused"),
                           At("2026-01-01T10:00:00Z")));
  // Same status, new message: the message changes, the time does not.
  EXPECT_TRUE(SetCondition(conditions, Ready(ConditionStatus::kFalse, "Unreachable", "timeout"),
                           At("2026-01-01T10:05:00Z")));
  EXPECT_EQ(conditions[0].message, "timeout");
  EXPECT_EQ(conditions[0].last_transition_time, At("2026-01-01T10:00:00Z"));
  // Nothing new at all: reported as no change.
  EXPECT_FALSE(SetCondition(conditions, Ready(ConditionStatus::kFalse, "Unreachable", "timeout"),
                            At("2026-01-01T10:06:00Z")));
  // A status change moves the time.
  EXPECT_TRUE(SetCondition(conditions, Ready(ConditionStatus::kTrue, "Probed"),
                           At("2026-01-01T10:07:00Z")));
  EXPECT_EQ(conditions[0].last_transition_time, At("2026-01-01T10:07:00Z"));
  EXPECT_EQ(conditions[0].reason, "Probed");
  EXPECT_EQ(conditions.size(), 1U);
}

TEST(ConditionTest, ExplicitTransitionTimeAndGenerationAreKept) {
  std::vector<Condition> conditions;
  Condition c = Ready(ConditionStatus::kTrue, "Probed");
  c.last_transition_time = At("2025-12-31T00:00:00Z");
  c.observed_generation = 3;
  ASSERT_TRUE(SetCondition(conditions, c, At("2026-01-01T00:00:00Z")));
  EXPECT_EQ(conditions[0].last_transition_time, At("2025-12-31T00:00:00Z"));
  c.observed_generation = 4;
  EXPECT_TRUE(SetCondition(conditions, c, At("2026-01-01T00:00:00Z")));
  EXPECT_EQ(conditions[0].observed_generation, 4);
}

TEST(ConditionTest, EmptyReasonBecomesUnknown) {
  std::vector<Condition> conditions;
  ASSERT_TRUE(SetCondition(conditions, Ready(ConditionStatus::kUnknown, ""), Clock::WallTime{}));
  EXPECT_EQ(conditions[0].reason, "Unknown");
}

TEST(ConditionTest, FindAndRemove) {
  std::vector<Condition> conditions;
  ASSERT_TRUE(SetCondition(conditions, Ready(ConditionStatus::kTrue, "A"), Clock::WallTime{}));
  ASSERT_TRUE(
      SetCondition(conditions, Condition{.type = "Reachable", .reason = "B"}, Clock::WallTime{}));
  ASSERT_NE(FindCondition(conditions, "Reachable"), nullptr);
  EXPECT_EQ(FindCondition(conditions, "Nope"), nullptr);
  EXPECT_TRUE(IsConditionStatus(conditions, "Reachable", ConditionStatus::kUnknown));
  EXPECT_FALSE(IsConditionTrue(conditions, "Reachable"));
  EXPECT_TRUE(RemoveCondition(conditions, "Reachable"));
  EXPECT_FALSE(RemoveCondition(conditions, "Reachable"));
  EXPECT_EQ(conditions.size(), 1U);
}

TEST(ConditionTest, JsonRoundTrip) {
  std::vector<Condition> conditions;
  Condition c = Ready(ConditionStatus::kFalse, "Unreachable", "connection refused");
  c.observed_generation = 7;
  ASSERT_TRUE(SetCondition(conditions, c, At("2026-01-01T10:00:00Z")));
  const json j = ConditionsToJson(conditions);
  EXPECT_EQ(j, json::parse(R"([{"type":"Ready","status":"False","reason":"Unreachable",
      "message":"connection refused","lastTransitionTime":"2026-01-01T10:00:00Z",
      "observedGeneration":7}])"));
  auto back = ConditionsFromJson(j);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(*back, conditions);
  // observedGeneration 0 is left out; the message is written even when empty.
  const json minimal = ToJson(Ready(ConditionStatus::kTrue, "Ok"));
  EXPECT_FALSE(minimal.contains("observedGeneration"));
  EXPECT_EQ(minimal.at("message"), "");
  EXPECT_EQ(minimal.at("lastTransitionTime"), "1970-01-01T00:00:00Z");
}

TEST(ConditionTest, DecodingRejectsMalformedConditions) {
  EXPECT_TRUE(ConditionsFromJson(json(nullptr))->empty());
  const struct {
    std::string_view text;
    std::string_view message_part;
  } cases[] = {
      {R"({"a":1})", "must be a list"},
      {R"([1])", "conditions[0]: must be an object"},
      {R"([{"status":"True"}])", "conditions[0].type: required"},
      {R"([{"type":"Ready"}])", "conditions[0].status: required"},
      {R"([{"type":"Ready","status":"Yes"}])", "must be True, False or Unknown"},
      {R"([{"type":"Ready","status":"True","lastTransitionTime":"yesterday"}])",
       "conditions[0].lastTransitionTime"},
      {R"([{"type":"Ready","status":"True","observedGeneration":"1"}])",
       "conditions[0].observedGeneration: must be an integer"},
  };
  for (const auto& c : cases) {
    auto got = ConditionsFromJson(json::parse(c.text));
    ASSERT_FALSE(got.ok()) << c.text;
    EXPECT_THAT(got.error().message(), HasSubstr(c.message_part)) << c.text;
  }
  EXPECT_FALSE(ConditionFromJson(json::array()).ok());
  auto one = ConditionFromJson(json::parse(R"({"type":"Ready","status":"Unknown"})"));
  ASSERT_TRUE(one.ok()) << one.error();
  EXPECT_EQ(one->status, ConditionStatus::kUnknown);
  EXPECT_FALSE(one->last_transition_time.has_value());
}

}  // namespace
}  // namespace drs::api
