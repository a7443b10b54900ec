#include "controller/remotecluster/cluster_connection.h"

#include <gtest/gtest.h>

#include "base/fake_clock.h"

namespace drs::controller {
namespace {

constexpr const char* kKubeconfig = R"(apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "https://127.0.0.1:6443"}
users:
- name: u
  user: {token: "not-a-real-token"}
contexts:
- name: ctx
  context: {cluster: c, user: u}
current-context: ctx
)";

ConnectionSettings Settings(std::string uid, std::string name) {
  return {.uid = std::move(uid),
          .display_name = std::move(name),
          .kubeconfig = SecretBytes(std::string(kKubeconfig))};
}

TEST(ClusterConnectionsTest, TwoRemoteClustersNeverShareAConnection) {
  FakeClock clock;
  ClusterConnections connections(clock);
  // Identical Secret bytes, two RemoteClusters: two separate clients.
  auto a = connections.Ensure(Settings("uid-a", "ns1/prod"));
  auto b = connections.Ensure(Settings("uid-b", "ns2/prod"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->get(), b->get());
  EXPECT_NE(&(*a)->rest(), &(*b)->rest());
  EXPECT_NE((*a)->fingerprint(), (*b)->fingerprint());
  EXPECT_EQ(connections.size(), 2U);
  EXPECT_EQ(connections.Get("ns1/prod").get(), a->get());
}

TEST(ClusterConnectionsTest, RebuiltOnlyWhenInputsChange) {
  FakeClock clock;
  ClusterConnections connections(clock);
  auto first = connections.Ensure(Settings("uid", "ns/dr"));
  auto same = connections.Ensure(Settings("uid", "ns/dr"));
  ASSERT_TRUE(first.ok() && same.ok());
  EXPECT_EQ(first->get(), same->get());
  auto settings = Settings("uid", "ns/dr");
  settings.qps = 5;
  auto changed = connections.Ensure(settings);
  ASSERT_TRUE(changed.ok());
  EXPECT_NE(first->get(), changed->get());
  connections.Remove("uid");
  EXPECT_EQ(connections.Get("ns/dr"), nullptr);
}

TEST(ClusterConnectionsTest, BadKubeconfigIsAnErrorThatHidesTheBytes) {
  FakeClock clock;
  ClusterConnections connections(clock);
  ConnectionSettings s = Settings("uid", "ns/dr");
  s.kubeconfig = SecretBytes(std::string("users: [{name: u, user: {token: sekret-value}}]"));
  auto r = connections.Ensure(s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().ToString().find("sekret-value"), std::string::npos);
  EXPECT_NE(r.error().ToString().find("RemoteCluster ns/dr"), std::string::npos);
}

}  // namespace
}  // namespace drs::controller
