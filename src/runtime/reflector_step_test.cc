#include <gtest/gtest.h>

#include "runtime/reflector.h"

namespace drs::runtime {
namespace {

using kubeclient::WatchEnd;

TEST(ReflectorStepTest, AfterWatch) {
  const struct {
    const char* name;
    Result<WatchEnd> outcome;
    bool has_version;
    ReflectorStep want;
  } cases[] = {
      {"server closed: resume", WatchEnd::kServerClosed, true, ReflectorStep::kWatch},
      {"server closed, no version: list", WatchEnd::kServerClosed, false, ReflectorStep::kList},
      {"gone: relist at once", Error(ErrorCode::kGone, "too old"), true, ReflectorStep::kList},
      {"stopped", Error(ErrorCode::kCancelled, "stop"), true, ReflectorStep::kStop},
      {"connection lost: back off, resume", Error(ErrorCode::kUnavailable, "reset"), true,
       ReflectorStep::kBackoffWatch},
      {"stalled: back off, resume", Error(ErrorCode::kDeadlineExceeded, "idle"), true,
       ReflectorStep::kBackoffWatch},
      {"throttled: back off, resume", Error(ErrorCode::kResourceExhausted, "429"), true,
       ReflectorStep::kBackoffWatch},
      {"transient without version: relist", Error(ErrorCode::kUnavailable, "x"), false,
       ReflectorStep::kBackoffList},
      {"forbidden: back off, relist", Error(ErrorCode::kPermissionDenied, "403"), true,
       ReflectorStep::kBackoffList},
      {"unauthenticated: back off, relist", Error(ErrorCode::kUnauthenticated, "401"), true,
       ReflectorStep::kBackoffList},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(NextStepAfterWatch(c.outcome, c.has_version), c.want) << c.name;
  }
}

TEST(ReflectorStepTest, AfterList) {
  EXPECT_EQ(NextStepAfterList(OkStatus()), ReflectorStep::kWatch);
  EXPECT_EQ(NextStepAfterList(CancelledError("stop")), ReflectorStep::kStop);
  EXPECT_EQ(NextStepAfterList(UnavailableError("down")), ReflectorStep::kBackoffList);
  EXPECT_EQ(NextStepAfterList(Error(ErrorCode::kPermissionDenied, "no")),
            ReflectorStep::kBackoffList);
}

}  // namespace
}  // namespace drs::runtime
