#include "base/result.h"

#include <memory>

#include <gtest/gtest.h>

namespace drs {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidError(std::to_string(x) + " is odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  DRS_ASSIGN_OR_RETURN(int half, Half(x));
  DRS_ASSIGN_OR_RETURN(auto quarter, Half(half));
  return quarter;
}

Status CheckEven(int x) {
  DRS_RETURN_IF_ERROR(Half(x));
  return OkStatus();
}

TEST(ResultTest, HoldsValueOrError) {
  const auto ok = Half(8);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 4);
  const auto bad = Half(3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalid);
  EXPECT_EQ(bad.error().message(), "3 is odd");
  EXPECT_EQ(bad.value_or(-1), -1);
}

TEST(ResultTest, MacrosPropagateTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  const auto r = Quarter(6);  // 6 -> 3, then 3 is odd
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "3 is odd");
  EXPECT_TRUE(CheckEven(2).ok());
  EXPECT_EQ(CheckEven(5).error().code(), ErrorCode::kInvalid);
}

TEST(ResultTest, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

TEST(ResultDeathTest, ValueOfAnErrorAborts) {
  const auto bad = Half(1);
  EXPECT_DEATH((void)bad.value(), "value\\(\\) called on a Result holding an error");
}

TEST(ErrorTest, ContextIsPrintedOutermostFirst) {
  Error e = Error(ErrorCode::kConflict, "the object has been modified")
                .WithContext("updating v1 ConfigMap shop/cfg")
                .WithContext("syncing Replication shop/r1")
                .WithHttpStatus(409)
                .WithReason("Conflict");
  EXPECT_EQ(e.ToString(),
            "Conflict: while syncing Replication shop/r1: while updating v1 ConfigMap shop/cfg: "
            "the object has been modified");
  EXPECT_EQ(e.http_status(), 409);
  EXPECT_EQ(e.reason(), "Conflict");
  EXPECT_FALSE(e.terminal());
}

TEST(ErrorTest, CausesAndRetryAfter) {
  Error e = InvalidError("Deployment.apps \"web\" is invalid")
                .WithCause({"spec.replicas", "FieldValueInvalid", "must be >= 0"})
                .WithCause({"", "FieldValueRequired", "x"})
                .WithRetryAfter(std::chrono::seconds(3))
                .MarkTerminal();
  EXPECT_EQ(e.ToString(),
            "Invalid: Deployment.apps \"web\" is invalid [spec.replicas: FieldValueInvalid; "
            "FieldValueRequired]");
  EXPECT_EQ(e.retry_after(), std::chrono::seconds(3));
  EXPECT_TRUE(e.terminal());
  EXPECT_EQ(e.causes().size(), 2U);
}

TEST(ErrorTest, EveryCodeHasAName) {
  for (int c = 0; c <= static_cast<int>(ErrorCode::kInternal); ++c) {
    EXPECT_NE(ErrorCodeName(static_cast<ErrorCode>(c)), "Unknown") << c;
  }
}

}  // namespace
}  // namespace drs
