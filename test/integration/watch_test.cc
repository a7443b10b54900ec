// Watches against a real kube-apiserver, directly and through a TCP proxy
// that cuts or stalls the connection.

#include <future>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kube/object.h"
#include "kubeclient/kubeconfig.h"
#include "kubeclient/watch.h"
#include "support/clients.h"
#include "support/tcp_proxy.h"

namespace drs::testing {
namespace {

using kubeclient::WatchEnd;
using kubeclient::WatchEvent;
using kubeclient::WatchEventType;
using kubeclient::WatchOptions;
using nlohmann::json;

json ConfigMap(const std::string& ns, const std::string& name) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"data", {{"k", "v"}}}};
}

class WatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(Testbed::Load(&bed_, &error)) << error;
    c_ = ClientsFor(bed_.Cluster("source").kubeconfig);
    ASSERT_NE(c_.dynamic, nullptr);
    ns_ = UniqueNamespace("watch");
    CreateNamespace(c_, ns_);
  }

  // Clients that reach the source API server through `proxy`.
  ClusterClients ViaProxy(const TcpProxy& proxy) {
    auto config = kubeclient::LoadKubeconfigFile(bed_.Cluster("source").kubeconfig, "");
    EXPECT_TRUE(config.ok());
    config->server = "https://127.0.0.1:" + std::to_string(proxy.port());
    ClusterClients c;
    c.rest = std::move(kubeclient::RestClient::Create(std::move(config).value(), RealClock::Get(),
                                                      {.max_retries = 0}))
                 .value();
    c.dynamic = std::make_unique<kubeclient::DynamicClient>(*c.rest);
    return c;
  }

  std::uint16_t SourcePort() {
    const auto& server = bed_.Cluster("source").server;
    return static_cast<std::uint16_t>(std::stoi(server.substr(server.rfind(':') + 1)));
  }

  Testbed bed_;
  ClusterClients c_;
  std::string ns_;
};

TEST_F(WatchTest, SeesAddModifyDeleteInOrderFromTheListVersion) {
  auto list = c_.dynamic->List(kConfigMaps, ns_, {});
  ASSERT_TRUE(list.ok());
  std::vector<std::pair<WatchEventType, std::string>> seen;
  std::promise<void> watching;
  auto done = std::async(std::launch::async, [&] {
    return kubeclient::Watch(
        *c_.rest, kConfigMaps, ns_, WatchOptions{.resource_version = list->resource_version},
        [&](WatchEvent&& e) {
          if (e.type == WatchEventType::kBookmark) return true;
          seen.emplace_back(e.type, kube::Name(e.object));
          return !(e.type == WatchEventType::kDeleted && kube::Name(e.object) == "w");
        });
  });
  // Writes made after the list's version are replayed even if they land
  // before the watch is established: no wait is needed here.
  ASSERT_TRUE(c_.dynamic->Create(kConfigMaps, ns_, ConfigMap(ns_, "w")).ok());
  ASSERT_TRUE(
      c_.dynamic
          ->Patch(kConfigMaps, ns_, "w", kubeclient::PatchType::kMerge, {{"data", {{"k", "v2"}}}})
          .ok());
  ASSERT_TRUE(c_.dynamic->Delete(kConfigMaps, ns_, "w").ok());
  ASSERT_EQ(done.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  auto end = done.get();
  ASSERT_TRUE(end.ok()) << end.error();
  EXPECT_EQ(*end, WatchEnd::kHandlerStopped);
  // kube-root-ca.crt may appear first; our object's events come in order.
  std::vector<WatchEventType> ours;
  for (const auto& [type, name] : seen) {
    if (name == "w") ours.push_back(type);
  }
  EXPECT_THAT(ours, ::testing::ElementsAre(WatchEventType::kAdded, WatchEventType::kModified,
                                           WatchEventType::kDeleted));
}

TEST_F(WatchTest, CompactedResourceVersionIsGone) {
  // PodTemplates bypass the watch cache on the bed (docs/testbed.md), so an
  // etcd compaction makes older versions really unavailable.
  const kube::GroupVersionResource pod_templates{"", "v1", "podtemplates"};
  auto created = c_.dynamic->Create(
      pod_templates, ns_,
      {{"apiVersion", "v1"},
       {"kind", "PodTemplate"},
       {"metadata", {{"name", "pt"}}},
       {"template", {{"spec", {{"containers", json::array({{{"name", "c"}, {"image", "x"}}})}}}}}});
  ASSERT_TRUE(created.ok()) << created.error();
  // Two later writes, so the compaction revision lies strictly beyond the
  // first event the watch would need.
  for (const char* v : {"2", "3"}) {
    ASSERT_TRUE(c_.dynamic
                    ->Patch(pod_templates, ns_, "pt", kubeclient::PatchType::kMerge,
                            {{"metadata", {{"labels", {{"v", v}}}}}})
                    .ok());
  }
  RunTestbed({"compact", "source"});
  auto r = kubeclient::Watch(*c_.rest, pod_templates, ns_,
                             WatchOptions{.resource_version = kube::ResourceVersion(*created),
                                          .timeout = std::chrono::seconds(10)},
                             [](WatchEvent&&) { return true; });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kGone) << r.error();
}

TEST_F(WatchTest, ServerTimeoutEndsTheWatchNormally) {
  auto r = kubeclient::Watch(*c_.rest, kConfigMaps, ns_,
                             WatchOptions{.timeout = std::chrono::seconds(1)},
                             [](WatchEvent&&) { return true; });
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(*r, WatchEnd::kServerClosed);
}

TEST_F(WatchTest, StopCancelsAnIdleWatchPromptly) {
  std::stop_source stop;
  auto done = std::async(std::launch::async, [&] {
    return kubeclient::Watch(
        *c_.rest, kConfigMaps, ns_, WatchOptions{}, [](WatchEvent&&) { return true; },
        stop.get_token());
  });
  // Let the request reach the server (not needed for correctness: a stop
  // before or after connecting must both end it).
  ASSERT_EQ(done.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  const auto asked = std::chrono::steady_clock::now();
  stop.request_stop();
  ASSERT_EQ(done.wait_for(std::chrono::seconds(3)), std::future_status::ready);
  const auto r = done.get();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(3));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kCancelled);
}

TEST_F(WatchTest, StalledConnectionIsDetectedByTheIdleTimeout) {
  TcpProxy proxy(SourcePort());
  auto via = ViaProxy(proxy);
  std::promise<void> first_event;
  bool signalled = false;
  auto done = std::async(std::launch::async, [&] {
    return kubeclient::Watch(*via.rest, kConfigMaps, ns_,
                             WatchOptions{.resource_version = "0",  // replays current state
                                          .idle_timeout = std::chrono::seconds(2)},
                             [&](WatchEvent&&) {
                               if (!signalled) first_event.set_value();
                               signalled = true;
                               return true;
                             });
  });
  ASSERT_TRUE(c_.dynamic->Create(kConfigMaps, ns_, ConfigMap(ns_, "s")).ok());
  ASSERT_EQ(first_event.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  proxy.SetStalled(true);
  ASSERT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  auto r = done.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(r.error().reason(), "StreamStalled");
}

TEST_F(WatchTest, CutConnectionEndsTheWatchWithAnError) {
  TcpProxy proxy(SourcePort());
  auto via = ViaProxy(proxy);
  std::promise<void> first_event;
  bool signalled = false;
  auto done = std::async(std::launch::async, [&] {
    return kubeclient::Watch(*via.rest, kConfigMaps, ns_, WatchOptions{.resource_version = "0"},
                             [&](WatchEvent&&) {
                               if (!signalled) first_event.set_value();
                               signalled = true;
                               return true;
                             });
  });
  ASSERT_TRUE(c_.dynamic->Create(kConfigMaps, ns_, ConfigMap(ns_, "c")).ok());
  ASSERT_EQ(first_event.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  proxy.CutAll();
  ASSERT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  auto r = done.get();
  ASSERT_FALSE(r.ok()) << "a cut stream must not look like a normal server close";
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable) << r.error();
}

}  // namespace
}  // namespace drs::testing
