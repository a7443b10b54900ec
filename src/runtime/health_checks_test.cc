#include "runtime/health_checks.h"

#include <gtest/gtest.h>

namespace drs::runtime {
namespace {

HealthCheckFn Ok() {
  return [] { return OkStatus(); };
}
HealthCheckFn Failing() {
  return [] { return Status(UnavailableError("secret-ish detail")); };
}

TEST(HealthChecksTest, NoChecksIsHealthy) {
  HealthChecks checks("healthz");
  const auto r = checks.Run(/*verbose=*/false);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok");
  EXPECT_EQ(checks.Run(/*verbose=*/true).body, "healthz check passed\n");
}

TEST(HealthChecksTest, VerboseListsChecksInOrderAdded) {
  HealthChecks checks("readyz");
  checks.Add("informers", Ok());
  checks.Add("leader", Ok());
  EXPECT_EQ(checks.Run(false).body, "ok");
  const auto r = checks.Run(true);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "[+]informers ok\n[+]leader ok\nreadyz check passed\n");
}

TEST(HealthChecksTest, FailureListsEveryCheckAndWithholdsTheReason) {
  HealthChecks checks("readyz");
  checks.Add("informers", Ok());
  checks.Add("leader", Failing());
  for (bool verbose : {false, true}) {
    const auto r = checks.Run(verbose);
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body, "[+]informers ok\n[-]leader failed: reason withheld\nreadyz check failed\n");
  }
}

TEST(HealthChecksTest, ExcludedChecksDoNotRun) {
  HealthChecks checks("healthz");
  checks.Add("ping", Ok());
  checks.Add("broken", Failing());
  EXPECT_EQ(checks.Run(false, {"broken"}).body, "ok");
  EXPECT_EQ(checks.Run(true, {"broken"}).body,
            "[+]ping ok\n[+]broken excluded: ok\nhealthz check passed\n");
}

TEST(HealthChecksTest, AddingAgainReplacesInPlace) {
  HealthChecks checks("readyz");
  checks.Add("a", Failing());
  checks.Add("b", Ok());
  EXPECT_EQ(checks.Run(false).status, 500);
  checks.Add("a", Ok());
  EXPECT_EQ(checks.Run(true).body, "[+]a ok\n[+]b ok\nreadyz check passed\n");
}

}  // namespace
}  // namespace drs::runtime
