// The event recorder against a real kube-apiserver: repeats of one event
// become a single Event whose count grows, a different reason makes a
// second Event, and events about cluster-scoped objects land in "default".

#include <chrono>
#include <functional>
#include <thread>

#include <gtest/gtest.h>

#include "kube/object.h"
#include "runtime/event_recorder.h"
#include "support/clients.h"

namespace drs::testing {
namespace {

using nlohmann::json;
using runtime::EventType;
using runtime::KubeEventRecorder;
using SteadyClock = std::chrono::steady_clock;

constexpr auto kPollInterval = std::chrono::milliseconds(50);
constexpr auto kSettleTimeout = std::chrono::seconds(20);
constexpr auto kFlushTimeout = std::chrono::milliseconds(20000);

bool PollUntil(const std::function<bool()>& done, SteadyClock::duration timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  while (!done()) {
    if (SteadyClock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return true;
}

class EventRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(Testbed::Load(&bed_, &error)) << error;
    c_ = ClientsFor(bed_.Cluster("source").kubeconfig);
    ASSERT_NE(c_.dynamic, nullptr);
    ns_ = UniqueNamespace("events");
    CreateNamespace(c_, ns_);
    recorder_ = std::make_unique<KubeEventRecorder>(
        std::make_unique<runtime::ApiEventSink>(*c_.dynamic), RealClock::Get(),
        runtime::KubeEventRecorderOptions{
            .source = {.component = "dr-syncer-test", .host = "integration"}});
  }
  void TearDown() override {
    if (recorder_) {
      recorder_->Shutdown(kFlushTimeout);
    }
  }

  // Events in `ns` about the object with `uid`.
  std::vector<json> EventsAbout(const std::string& ns, const std::string& uid) {
    auto list = c_.dynamic->List(runtime::kEventsResource, ns,
                                 {.field_selector = "involvedObject.uid=" + uid});
    EXPECT_TRUE(list.ok()) << list.error();
    return list.ok() ? list->items : std::vector<json>{};
  }

  Testbed bed_;
  ClusterClients c_;
  std::string ns_;
  std::unique_ptr<KubeEventRecorder> recorder_;
};

TEST_F(EventRecorderTest, RepeatsAreAggregatedIntoOneEvent) {
  auto cm = c_.dynamic->Create(kConfigMaps, ns_,
                               {{"apiVersion", "v1"},
                                {"kind", "ConfigMap"},
                                {"metadata", {{"name", "cfg"}, {"namespace", ns_}}}});
  ASSERT_TRUE(cm.ok()) << cm.error();
  const std::string uid = kube::Uid(*cm);

  for (int i = 0; i < 5; ++i) {
    recorder_->Event(*cm, EventType::kNormal, "Synced", "copied to the destination cluster");
  }
  ASSERT_TRUE(recorder_->Flush(kFlushTimeout));
  std::vector<json> events;
  ASSERT_TRUE(PollUntil(
      [&] {
        events = EventsAbout(ns_, uid);
        return events.size() == 1 && events[0].value("count", 0) == 5;
      },
      kSettleTimeout))
      << json(events).dump(2);
  const json& event = events[0];
  EXPECT_EQ(event["reason"], "Synced");
  EXPECT_EQ(event["type"], "Normal");
  EXPECT_EQ(event["message"], "copied to the destination cluster");
  EXPECT_EQ(event["source"]["component"], "dr-syncer-test");
  EXPECT_EQ(event["involvedObject"]["kind"], "ConfigMap");
  EXPECT_EQ(event["involvedObject"]["name"], "cfg");
  EXPECT_EQ(event["involvedObject"]["namespace"], ns_);
  EXPECT_TRUE(kube::Name(event).starts_with("cfg."));
  EXPECT_FALSE(event.value("firstTimestamp", "").empty());
  EXPECT_GE(event.value("lastTimestamp", ""), event.value("firstTimestamp", ""));

  recorder_->Event(*cm, EventType::kWarning, "SyncFailed", "destination cluster unreachable");
  ASSERT_TRUE(recorder_->Flush(kFlushTimeout));
  ASSERT_TRUE(PollUntil([&] { return EventsAbout(ns_, uid).size() == 2; }, kSettleTimeout));
  int warnings = 0;
  for (const auto& e : EventsAbout(ns_, uid)) {
    if (e["reason"] == "SyncFailed") {
      ++warnings;
      EXPECT_EQ(e["type"], "Warning");
      EXPECT_EQ(e["count"], 1);
    } else {
      EXPECT_EQ(e["count"], 5);
    }
  }
  EXPECT_EQ(warnings, 1);
  const auto stats = recorder_->stats();
  EXPECT_EQ(stats.created, 2U);
  EXPECT_EQ(stats.patched, 4U);
  EXPECT_EQ(stats.failed, 0U);
}

TEST_F(EventRecorderTest, ClusterScopedObjectEventsGoToDefault) {
  auto ns = c_.dynamic->Get(kNamespaces, "", ns_);
  ASSERT_TRUE(ns.ok()) << ns.error();
  // Namespaces come back from GET with kind and apiVersion set.
  recorder_->Event(*ns, EventType::kNormal, "Observed", "namespace seen by the test");
  ASSERT_TRUE(recorder_->Flush(kFlushTimeout));
  std::vector<json> events;
  ASSERT_TRUE(PollUntil(
      [&] {
        events = EventsAbout("default", kube::Uid(*ns));
        return events.size() == 1;
      },
      kSettleTimeout));
  EXPECT_EQ(events[0]["involvedObject"]["kind"], "Namespace");
  EXPECT_FALSE(events[0]["involvedObject"].contains("namespace"));
  // Events outlive the test's namespace in "default"; remove ours.
  EXPECT_TRUE(c_.dynamic->Delete(runtime::kEventsResource, "default", kube::Name(events[0])).ok());
}

}  // namespace
}  // namespace drs::testing
