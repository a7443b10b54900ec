// Discovery keeps working while an aggregated API is registered but down:
// the broken group is reported, every other type still resolves. Runs alone
// (serial): the unavailable APIService is cluster-wide while it exists.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/clients.h"

namespace drs::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

const kube::GroupVersionResource kApiServices{"apiregistration.k8s.io", "v1", "apiservices"};

class DiscoveryFaultsTest : public ::testing::TestWithParam<bool> {};

TEST_P(DiscoveryFaultsTest, AnUnavailableAggregatedApiDoesNotHideTheRest) {
  const bool aggregated = GetParam();
  Testbed bed;
  std::string error;
  ASSERT_TRUE(Testbed::Load(&bed, &error)) << error;
  auto c = ClientsFor(bed.Cluster("source").kubeconfig);
  ASSERT_NE(c.dynamic, nullptr);
  // An APIService whose backing Service does not exist: the API server
  // marks it unavailable (503 on its endpoints, "Stale" in aggregated discovery).
  const std::string group = aggregated ? "broken-agg.example.com" : "broken-legacy.example.com";
  const std::string name = "v1." + group;
  auto created =
      c.dynamic->Create(kApiServices, "",
                        {{"apiVersion", "apiregistration.k8s.io/v1"},
                         {"kind", "APIService"},
                         {"metadata", {{"name", name}}},
                         {"spec",
                          {{"group", group},
                           {"version", "v1"},
                           {"groupPriorityMinimum", 100},
                           {"versionPriority", 100},
                           {"insecureSkipTLSVerify", true},
                           {"service", {{"name", "absent"}, {"namespace", "kube-system"}}}}}});
  ASSERT_TRUE(created.ok()) << created.error();

  kubeclient::Discovery discovery(*c.rest, RealClock::Get(), kubeclient::Discovery::kDefaultTtl,
                                  aggregated);
  // The API server notices the missing Service asynchronously: poll until
  // discovery reports the group as failed.
  std::shared_ptr<const kubeclient::DiscoverySnapshot> snap;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool reported = false;
  while (!reported && std::chrono::steady_clock::now() < deadline) {
    discovery.Invalidate();
    auto s = discovery.Snapshot();
    ASSERT_TRUE(s.ok()) << s.error();
    snap = *s;
    for (const auto& f : snap->failed_groups)
      reported = reported || f.find(group) != std::string::npos;
  }
  EXPECT_TRUE(reported) << "the broken group was never reported";
  auto cm = discovery.Resolve("configmaps");
  ASSERT_TRUE(cm.ok()) << cm.error();
  EXPECT_EQ(cm->kind, "ConfigMap");
  EXPECT_TRUE(discovery.Resolve("deployments.apps").ok());

  EXPECT_TRUE(c.dynamic->Delete(kApiServices, "", name).ok());
}

INSTANTIATE_TEST_SUITE_P(Modes, DiscoveryFaultsTest, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "Aggregated" : "Legacy"; });

}  // namespace
}  // namespace drs::testing
