// An informer keeps every object while the API server it watches is killed
// (SIGKILL) and restarted in the middle of a stream of writes: each object
// written reaches the handlers and the store exactly as on the server.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "kube/object.h"
#include "runtime/informer.h"
#include "support/clients.h"

namespace drs::testing {
namespace {

using nlohmann::json;

TEST(InformerRestartTest, MissesNoEventAcrossAnApiServerRestart) {
  constexpr int kObjects = 200;
  constexpr int kKillAfter = 60;
  Testbed bed;
  std::string error;
  ASSERT_TRUE(Testbed::Load(&bed, &error)) << error;
  auto c = ClientsFor(bed.Cluster("source").kubeconfig);
  ASSERT_NE(c.dynamic, nullptr);
  const std::string ns = UniqueNamespace("restart");
  CreateNamespace(c, ns);

  std::mutex mu;
  std::condition_variable cv;
  std::set<std::string> added;
  runtime::Informer informer(
      *c.dynamic, RealClock::Get(),
      {.gvr = kConfigMaps,
       .ns = ns,
       .backoff = {.initial = std::chrono::milliseconds(200), .max = std::chrono::seconds(2)}});
  informer.AddEventHandlers({.on_add = [&](const runtime::ObjectPtr& o, bool) {
    std::lock_guard l(mu);
    added.insert(kube::Name(*o));
    cv.notify_all();
  }});
  informer.Start();
  ASSERT_TRUE(informer.WaitForSync({}, std::chrono::seconds(30)));

  // The writer retries each object until the server has it (a create whose
  // answer was lost in the crash comes back as AlreadyExists).
  std::atomic<int> written{0};
  std::jthread writer([&](std::stop_token st) {
    for (int i = 0; i < kObjects && !st.stop_requested(); ++i) {
      const std::string name = "cm-" + std::to_string(i);
      json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}};
      while (!st.stop_requested()) {
        auto r = c.dynamic->Create(kConfigMaps, ns, cm);
        if (r.ok() || r.error().code() == ErrorCode::kAlreadyExists) break;
        RealClock::Get().SleepFor(std::chrono::milliseconds(100), st);  // retry pacing
      }
      ++written;
    }
  });
  {
    std::unique_lock l(mu);
    ASSERT_TRUE(cv.wait_for(l, std::chrono::seconds(60),
                            [&] { return static_cast<int>(added.size()) >= kKillAfter; }));
  }
  RunTestbed({"stop", "source", "apiserver", "--kill"});
  RunTestbed({"start", "source", "apiserver"});
  writer.join();
  ASSERT_EQ(written, kObjects);

  std::unique_lock l(mu);
  const bool all = cv.wait_for(l, std::chrono::seconds(60), [&] {
    int ours = 0;
    for (const auto& n : added) ours += n.starts_with("cm-") ? 1 : 0;
    return ours == kObjects;
  });
  int ours = 0;
  for (const auto& n : added) ours += n.starts_with("cm-") ? 1 : 0;
  EXPECT_TRUE(all) << "handlers saw " << ours << " of " << kObjects << " objects";
  // The store equals the server: every cm-*, plus kube-root-ca.crt.
  auto listed = c.dynamic->ListAll(kConfigMaps, ns);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(informer.store().Size(), listed->items.size());
  EXPECT_GE(informer.reflector().stats().watches, 2) << "the watch must have been re-established";
}

}  // namespace
}  // namespace drs::testing
