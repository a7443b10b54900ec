// A Manager with an informer and a controller on the real API server:
// health and readiness endpoints, metrics, reconciles driven by watch
// events, and a prompt, clean stop.

#include <atomic>
#include <future>
#include <mutex>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/controller.h"
#include "runtime/manager.h"
#include "support/clients.h"
#include "support/https.h"

namespace drs::testing {
namespace {

using ::testing::HasSubstr;

// Records the keys it was asked to reconcile.
class RecordingReconciler : public runtime::Reconciler {
 public:
  Result<runtime::ReconcileResult> Reconcile(const std::string& key, std::stop_token) override {
    std::lock_guard l(mu_);
    keys_.insert(key);
    return runtime::ReconcileResult{};
  }
  bool Saw(const std::string& key) {
    std::lock_guard l(mu_);
    return keys_.count(key) > 0;
  }

 private:
  std::mutex mu_;
  std::set<std::string> keys_;
};

// Plain HTTP GET on loopback (the manager's servers do not use TLS).
std::pair<long, std::string> Get(std::uint16_t port, const std::string& path) {
  kubeclient::RestConfig config{.server = "http://127.0.0.1:" + std::to_string(port)};
  auto client =
      kubeclient::RestClient::Create(std::move(config), RealClock::Get(), {.max_retries = 0});
  if (!client.ok()) return {0, client.error().ToString()};
  auto r = (*client)->Send({.path = path, .accept = "*/*"});
  if (r.ok()) return {r->status, r->body};
  return {r.error().http_status(), r.error().ToString()};
}

TEST(ManagerTest, ServesHealthReadinessAndMetricsAndReconcilesEvents) {
  Testbed bed;
  std::string error;
  ASSERT_TRUE(Testbed::Load(&bed, &error)) << error;
  auto c = ClientsFor(bed.Cluster("source").kubeconfig);
  ASSERT_NE(c.dynamic, nullptr);
  const std::string ns = UniqueNamespace("manager");
  CreateNamespace(c, ns);

  runtime::Manager manager(
      {.health_bind_address = "127.0.0.1:0", .metrics_bind_address = "127.0.0.1:0"},
      RealClock::Get(), nullptr);
  runtime::Informer informer(*c.dynamic, RealClock::Get(), {.gvr = kConfigMaps, .ns = ns});
  RecordingReconciler reconciler;
  runtime::Controller controller(reconciler, RealClock::Get(),
                                 {.name = "recorder", .registry = &manager.registry()});
  informer.AddEventHandlers(controller.EnqueueHandlers());
  manager.AddInformer(&informer);
  manager.AddRunnable(
      "recorder", [&](std::stop_token st) { controller.Run(st); }, true);

  std::stop_source stop;
  auto ran = std::async(std::launch::async, [&] { return manager.Run(stop.get_token()); });
  // Ready once the cache has synced; poll with a deadline.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline &&
         (manager.health_port() == 0 || Get(manager.health_port(), "/readyz").first != 200)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // poll interval
  }
  ASSERT_EQ(Get(manager.health_port(), "/readyz").first, 200);
  EXPECT_EQ(Get(manager.health_port(), "/healthz").first, 200);

  ASSERT_TRUE(
      c.dynamic
          ->Create(kConfigMaps, ns,
                   {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "x"}}}})
          .ok());
  while (std::chrono::steady_clock::now() < deadline + std::chrono::seconds(30) &&
         !reconciler.Saw(ns + "/x")) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // poll interval
  }
  EXPECT_TRUE(reconciler.Saw(ns + "/x"));
  EXPECT_TRUE(manager.IsLeader());  // no leader election configured: always leading

  const auto [code, metrics] = Get(manager.metrics_port(), "/metrics");
  ASSERT_EQ(code, 200);
  EXPECT_THAT(metrics, HasSubstr("controller_runtime_reconcile_total{controller=\"recorder\""));
  EXPECT_THAT(metrics, HasSubstr("process_resident_memory_bytes"));

  const auto asked = std::chrono::steady_clock::now();
  stop.request_stop();
  ASSERT_EQ(ran.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(5));
  auto status = ran.get();
  EXPECT_TRUE(status.ok()) << status.error();
}

}  // namespace
}  // namespace drs::testing
