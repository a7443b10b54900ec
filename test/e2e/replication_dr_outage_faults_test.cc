// The DR API server dies in the middle of a sync and comes back: the next
// sync converges to exactly the source's objects. Runs alone: it kills the
// shared bed's `dr` API server.

#include <signal.h>

#include <atomic>
#include <thread>

#include "e2e/replication_fixture.h"
#include "kube/object.h"

namespace drs::testing {
namespace {

using nlohmann::json;

const kube::GroupVersionResource kCm{"", "v1", "configmaps"};

class ReplicationDrOutageTest : public ReplicationFixture {};

TEST_F(ReplicationDrOutageTest, ConvergesAfterTheDrApiServerDiesMidSync) {
  constexpr int kObjects = 400;
  {
    std::atomic<int> next{0};
    std::vector<std::jthread> writers;
    for (int w = 0; w < 8; ++w) {
      writers.emplace_back([&] {
        for (int i = next++; i < kObjects; i = next++) {
          (void)source_.dynamic->Create(kCm, app_ns_,
                                        {{"apiVersion", "v1"},
                                         {"kind", "ConfigMap"},
                                         {"metadata", {{"name", "cm-" + std::to_string(i)}}},
                                         {"data", {{"i", std::to_string(i)}}}});
        }
      });
    }
  }
  CreateReplication(json::object());
  auto syncer = StartDrSyncer("outage");
  ASSERT_TRUE(syncer.ok());
  // Kill dr's API server as soon as the first copies appear.
  ASSERT_TRUE(PollFor(
      [&] {
        auto l = dr_.dynamic->List(kCm, dr_ns_, {.limit = 1});
        return l.ok() && !l->items.empty();
      },
      std::chrono::seconds(60)))
      << syncer.Log();
  RunTestbed({"stop", "dr", "apiserver", "--kill"});
  RunTestbed({"start", "dr", "apiserver"});

  // The interrupted sync failed or ran partly; the next one converges.
  EXPECT_TRUE(
      PollFor([&] { return LastTrigger() == "" && !Phase().empty(); }, std::chrono::seconds(60)));
  ASSERT_TRUE(PollFor(
      [&] {
        return SyncNow(
                   "after-" +
                   std::to_string(std::chrono::steady_clock::now().time_since_epoch().count())) &&
               Phase() == "Synced";
      },
      std::chrono::seconds(120)))
      << Replication()["status"].dump(2) << syncer.Log();

  auto src = source_.dynamic->ListAll(kCm, app_ns_);
  auto dst = dr_.dynamic->ListAll(kCm, dr_ns_);
  ASSERT_TRUE(src.ok() && dst.ok());
  std::set<std::string> want, got;
  for (const auto& o : src->items) {
    if (kube::Name(o) != "kube-root-ca.crt") want.insert(kube::Name(o));
  }
  for (const auto& o : dst->items) {
    if (kube::Labels(o).count("app.kubernetes.io/managed-by")) got.insert(kube::Name(o));
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(want.size(), static_cast<std::size_t>(kObjects));
  syncer.Signal(SIGTERM);
  EXPECT_EQ(syncer.Wait(std::chrono::seconds(10)), 0) << syncer.Log();
}

}  // namespace
}  // namespace drs::testing
