#include "kubelet/node_selection.h"

#include <gtest/gtest.h>

#include "kubelet/fake_object_lookup.h"

namespace drs::kubelet {
namespace {

using nlohmann::json;

const std::vector<NodeInfo> kNodes = {
    {"node-1", {{"kubernetes.io/hostname", "node-1"}, {"zone", "a"}, {"rank", "1"}}},
    {"node-2", {{"kubernetes.io/hostname", "node-2"}, {"zone", "b"}, {"rank", "2"}}},
    {"node-3", {{"kubernetes.io/hostname", "node-3"}, {"zone", "b"}}},
};

json PodWith(json spec) {
  return {{"metadata", {{"name", "p"}, {"namespace", "ns1"}}}, {"spec", std::move(spec)}};
}

json Required(json terms) {
  return {{"nodeAffinity",
           {{"requiredDuringSchedulingIgnoredDuringExecution", {{"nodeSelectorTerms", terms}}}}}};
}

std::vector<std::string> Feasible(const json& pod, const FakeObjectLookup& lookup = {}) {
  auto r = FeasibleNodes(pod, kNodes, lookup);
  return r.ok() ? *r : std::vector<std::string>{};
}

TEST(FeasibleNodesTest, NoConstraintsFitsEveryNode) {
  EXPECT_EQ(Feasible(PodWith(json::object())),
            (std::vector<std::string>{"node-1", "node-2", "node-3"}));
}

TEST(FeasibleNodesTest, NodeSelectorIsLabelEquality) {
  EXPECT_EQ(Feasible(PodWith({{"nodeSelector", {{"zone", "b"}}}})),
            (std::vector<std::string>{"node-2", "node-3"}));
}

TEST(FeasibleNodesTest, DaemonSetStyleMatchFieldsPinsOneNode) {
  const json pod = PodWith(
      {{"affinity",
        Required(json::array({{{"matchFields", json::array({{{"key", "metadata.name"},
                                                             {"operator", "In"},
                                                             {"values", {"node-2"}}}})}}}))}});
  EXPECT_EQ(Feasible(pod), (std::vector<std::string>{"node-2"}));
}

TEST(FeasibleNodesTest, ExpressionOperatorsAndTermsAreOred) {
  const auto with = [](json expressions) {
    return PodWith(
        {{"affinity", Required(json::array({{{"matchExpressions", std::move(expressions)}}}))}});
  };
  EXPECT_EQ(
      Feasible(with(json::array({{{"key", "zone"}, {"operator", "NotIn"}, {"values", {"b"}}}}))),
      (std::vector<std::string>{"node-1"}));
  EXPECT_EQ(Feasible(with(json::array({{{"key", "rank"}, {"operator", "Exists"}}}))),
            (std::vector<std::string>{"node-1", "node-2"}));
  EXPECT_EQ(Feasible(with(json::array({{{"key", "rank"}, {"operator", "DoesNotExist"}}}))),
            (std::vector<std::string>{"node-3"}));
  EXPECT_EQ(Feasible(with(json::array({{{"key", "rank"}, {"operator", "Gt"}, {"values", {"1"}}}}))),
            (std::vector<std::string>{"node-2"}));
  const json two_terms =
      PodWith({{"affinity",
                Required(json::array(
                    {{{"matchExpressions",
                       json::array({{{"key", "zone"}, {"operator", "In"}, {"values", {"a"}}}})}},
                     {{"matchFields", json::array({{{"key", "metadata.name"},
                                                    {"operator", "In"},
                                                    {"values", {"node-3"}}}})}}}))}});
  EXPECT_EQ(Feasible(two_terms), (std::vector<std::string>{"node-1", "node-3"}));
}

TEST(FeasibleNodesTest, ClaimsMustBeBoundAndTheirVolumesPlaceThePod) {
  const json pod = PodWith(
      {{"volumes",
        json::array({{{"name", "d"}, {"persistentVolumeClaim", {{"claimName", "data"}}}}})}});
  FakeObjectLookup lookup;
  auto missing = FeasibleNodes(pod, kNodes, lookup);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("\"data\" not found"), std::string::npos);

  lookup.AddClaim("ns1", {{"metadata", {{"name", "data"}}}, {"status", {{"phase", "Pending"}}}});
  auto pending = FeasibleNodes(pod, kNodes, lookup);
  ASSERT_FALSE(pending.ok());
  EXPECT_NE(pending.error().message().find("unbound"), std::string::npos);

  FakeObjectLookup bound;
  bound.AddClaim("ns1", {{"metadata", {{"name", "data"}}},
                         {"spec", {{"volumeName", "pv-1"}}},
                         {"status", {{"phase", "Bound"}}}});
  const json term = {{"matchExpressions", json::array({{{"key", "kubernetes.io/hostname"},
                                                        {"operator", "In"},
                                                        {"values", {"node-3"}}}})}};
  json pv = {{"metadata", {{"name", "pv-1"}}}};
  pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"] = json::array({term});
  bound.AddVolume(pv);
  EXPECT_EQ(Feasible(pod, bound), (std::vector<std::string>{"node-3"}));
}

TEST(FeasibleNodesTest, NothingFitsSaysSo) {
  auto r = FeasibleNodes(PodWith({{"nodeSelector", {{"zone", "c"}}}}), kNodes, FakeObjectLookup{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(r.error().message().find("0/3 nodes are available"), std::string::npos);
}

}  // namespace
}  // namespace drs::kubelet
