#include "runtime/leader_election_config.h"

#include <unistd.h>

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drs::runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

LeaderElectionConfig Valid() {
  return {.lease_namespace = "drs-system", .lease_name = "dr-syncer", .identity = "me"};
}

struct ConfigCase {
  std::string name;
  LeaderElectionConfig config;
  std::string want_error;  // empty: valid
};

std::vector<ConfigCase> ConfigCases() {
  auto with = [](auto mutate) {
    LeaderElectionConfig c = Valid();
    mutate(c);
    return c;
  };
  return {
      {"ClientGoDefaults", Valid(), ""},
      {"ShortTestTimings", with([](auto& c) {
         c.lease_duration = seconds(4);
         c.renew_deadline = milliseconds(3000);
         c.retry_period = milliseconds(500);
       }),
       ""},
      {"NoNamespace", with([](auto& c) { c.lease_namespace.clear(); }), "namespace is empty"},
      {"NoName", with([](auto& c) { c.lease_name.clear(); }), "name is empty"},
      {"NoIdentity", with([](auto& c) { c.identity.clear(); }), "identity is empty"},
      {"ZeroRetry", with([](auto& c) { c.retry_period = milliseconds(0); }), "must be positive"},
      {"RenewWithinJitteredRetry", with([](auto& c) {
         c.renew_deadline = milliseconds(2400);  // == 2000 ms * 1.2
       }),
       "renewDeadline (2400ms) must be greater than retryPeriod*1.2"},
      {"LeaseNotLongerThanRenew", with([](auto& c) { c.renew_deadline = milliseconds(15000); }),
       "leaseDuration (15s) must be greater than renewDeadline (15000ms)"},
  };
}

class ValidateConfigTest : public ::testing::TestWithParam<ConfigCase> {};

TEST_P(ValidateConfigTest, Validates) {
  const ConfigCase& c = GetParam();
  const Status status = ValidateLeaderElectionConfig(c.config);
  if (c.want_error.empty()) {
    EXPECT_TRUE(status.ok()) << status.error();
  } else {
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code(), ErrorCode::kInvalid);
    EXPECT_THAT(status.error().message(), HasSubstr(c.want_error));
  }
}

INSTANTIATE_TEST_SUITE_P(Table, ValidateConfigTest, ::testing::ValuesIn(ConfigCases()),
                         [](const auto& test_info) { return test_info.param.name; });

TEST(DefaultIdentityTest, NamesHostAndPidAndDiffersPerCall) {
  const std::string a = DefaultIdentity();
  const std::string b = DefaultIdentity();
  EXPECT_THAT(a, MatchesRegex(".+_" + std::to_string(::getpid()) + "_[0-9a-f]{8}"));
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace drs::runtime
