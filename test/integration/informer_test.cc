// Informers against a real API server: initial sync, events, resume after a
// cut connection, and a relist after a real 410 (etcd compaction while the
// informer could not reach the server) that reports the deletions it missed.

#include <condition_variable>
#include <mutex>
#include <set>

#include <gtest/gtest.h>

#include "kube/object.h"
#include "kubeclient/kubeconfig.h"
#include "runtime/informer.h"
#include "support/clients.h"
#include "support/tcp_proxy.h"

namespace drs::testing {
namespace {

using nlohmann::json;
using runtime::EventHandlers;
using runtime::Informer;
using runtime::ObjectPtr;

const kube::GroupVersionResource kPodTemplates{"", "v1", "podtemplates"};

json PodTemplate(const std::string& name) {
  return {
      {"apiVersion", "v1"},
      {"kind", "PodTemplate"},
      {"metadata", {{"name", name}}},
      {"template", {{"spec", {{"containers", json::array({{{"name", "c"}, {"image", "x"}}})}}}}}};
}

// Collects what the handlers saw.
struct Seen {
  std::mutex mu;
  std::condition_variable cv;
  std::set<std::string> added, deleted;
  int updates = 0;

  EventHandlers Handlers() {
    return {.on_add =
                [this](const ObjectPtr& o, bool) {
                  std::lock_guard l(mu);
                  added.insert(kube::Name(*o));
                  cv.notify_all();
                },
            .on_update =
                [this](const ObjectPtr&, const ObjectPtr&) {
                  std::lock_guard l(mu);
                  ++updates;
                  cv.notify_all();
                },
            .on_delete =
                [this](const ObjectPtr& o) {
                  std::lock_guard l(mu);
                  deleted.insert(kube::Name(*o));
                  cv.notify_all();
                }};
  }
  bool WaitFor(const std::function<bool()>& pred) {
    std::unique_lock l(mu);
    return cv.wait_for(l, std::chrono::seconds(30), pred);
  }
};

class InformerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(Testbed::Load(&bed_, &error)) << error;
    c_ = ClientsFor(bed_.Cluster("source").kubeconfig);
    ASSERT_NE(c_.dynamic, nullptr);
    ns_ = UniqueNamespace("informer");
    CreateNamespace(c_, ns_);
  }
  Testbed bed_;
  ClusterClients c_;
  std::string ns_;
};

TEST_F(InformerTest, SyncsThenFollowsChanges) {
  for (const char* n : {"a", "b"})
    ASSERT_TRUE(c_.dynamic->Create(kPodTemplates, ns_, PodTemplate(n)).ok());
  Seen seen;
  Informer informer(*c_.dynamic, RealClock::Get(), {.gvr = kPodTemplates, .ns = ns_});
  informer.AddEventHandlers(seen.Handlers());
  informer.Start();
  ASSERT_TRUE(informer.WaitForSync({}, std::chrono::seconds(30)));
  EXPECT_EQ(informer.store().Size(), 2U);
  // Items from a LIST get their kind and apiVersion filled in.
  auto a = informer.store().Get(ns_ + "/a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(kube::Kind(*a), "PodTemplate");
  EXPECT_EQ(kube::ApiVersion(*a), "v1");

  ASSERT_TRUE(c_.dynamic->Create(kPodTemplates, ns_, PodTemplate("c")).ok());
  ASSERT_TRUE(c_.dynamic->Delete(kPodTemplates, ns_, "a").ok());
  ASSERT_TRUE(seen.WaitFor([&] { return seen.added.count("c") && seen.deleted.count("a"); }));
  EXPECT_EQ(informer.store().Get(ns_ + "/a"), nullptr);
  EXPECT_NE(informer.store().Get(ns_ + "/c"), nullptr);
  EXPECT_EQ(informer.reflector().stats().lists, 1);
}

TEST_F(InformerTest, CachesObjectsWithoutManagedFieldsAndReshaped) {
  ASSERT_TRUE(c_.dynamic->Create(kPodTemplates, ns_, PodTemplate("listed")).ok());
  Seen seen;
  Informer informer(
      *c_.dynamic, RealClock::Get(),
      {.gvr = kPodTemplates, .ns = ns_, .drop_managed_fields = true, .transform = [](json& obj) {
         obj.erase("template");
       }});
  informer.AddEventHandlers(seen.Handlers());
  informer.Start();
  ASSERT_TRUE(informer.WaitForSync({}, std::chrono::seconds(30)));
  ASSERT_TRUE(c_.dynamic->Create(kPodTemplates, ns_, PodTemplate("watched")).ok());
  ASSERT_TRUE(seen.WaitFor([&] { return seen.added.count("watched") > 0; }));
  // The server did send managedFields (a create records its manager).
  auto live = c_.dynamic->Get(kPodTemplates, ns_, "watched");
  ASSERT_TRUE(live.ok());
  ASSERT_TRUE((*live)["metadata"].contains("managedFields"));
  for (const char* name : {"listed", "watched"}) {
    auto cached = informer.store().Get(ns_ + "/" + name);
    ASSERT_NE(cached, nullptr) << name;
    EXPECT_FALSE((*cached)["metadata"].contains("managedFields")) << name;
    EXPECT_FALSE(cached->contains("template")) << name;
    EXPECT_FALSE(kube::ResourceVersion(*cached).empty()) << name;
  }
}

TEST_F(InformerTest, RelistsAfterGoneAndReportsMissedDeletes) {
  TcpProxy proxy([&] {
    const auto& s = bed_.Cluster("source").server;
    return static_cast<std::uint16_t>(std::stoi(s.substr(s.rfind(':') + 1)));
  }());
  auto config = kubeclient::LoadKubeconfigFile(bed_.Cluster("source").kubeconfig, "");
  ASSERT_TRUE(config.ok());
  config->server = "https://127.0.0.1:" + std::to_string(proxy.port());
  auto rest = kubeclient::RestClient::Create(std::move(config).value(), RealClock::Get(),
                                             {.max_retries = 0});
  ASSERT_TRUE(rest.ok());
  kubeclient::DynamicClient via_proxy(**rest);

  for (const char* n : {"keep", "doomed"}) {
    ASSERT_TRUE(c_.dynamic->Create(kPodTemplates, ns_, PodTemplate(n)).ok());
  }
  Seen seen;
  // Short backoff so the test does not wait long for the rewatch.
  Informer informer(via_proxy, RealClock::Get(),
                    {.gvr = kPodTemplates,
                     .ns = ns_,
                     .backoff = {.initial = std::chrono::milliseconds(100),
                                 .max = std::chrono::milliseconds(500)}});
  informer.AddEventHandlers(seen.Handlers());
  informer.Start();
  ASSERT_TRUE(informer.WaitForSync({}, std::chrono::seconds(30)));

  // Partition the informer from the server, change the world, compact etcd
  // past the version it would resume from, then heal.
  proxy.SetRefusing(true);
  proxy.CutAll();
  ASSERT_TRUE(c_.dynamic->Delete(kPodTemplates, ns_, "doomed").ok());
  ASSERT_TRUE(c_.dynamic->Create(kPodTemplates, ns_, PodTemplate("born")).ok());
  ASSERT_TRUE(c_.dynamic->Create(kPodTemplates, ns_, PodTemplate("later")).ok());
  RunTestbed({"compact", "source"});
  proxy.SetRefusing(false);

  ASSERT_TRUE(seen.WaitFor([&] {
    return seen.deleted.count("doomed") && seen.added.count("born") && seen.added.count("later");
  }));
  EXPECT_GE(informer.reflector().stats().relists_after_gone, 1);
  EXPECT_EQ(informer.store().Size(), 3U);
  EXPECT_EQ(informer.store().Get(ns_ + "/doomed"), nullptr);
}

}  // namespace
}  // namespace drs::testing
