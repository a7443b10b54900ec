// KubeEventRecorder's queueing, aggregation and shutdown against a fake
// sink that behaves like the events API (create, merge-patch, NotFound).
#include "runtime/event_recorder.h"

#include <condition_variable>
#include <map>
#include <mutex>

#include <gtest/gtest.h>

#include "base/fake_clock.h"
#include "base/rfc3339.h"
#include "runtime/fake_event_recorder.h"

namespace drs::runtime {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kFlushTimeout{10000};  // generous: only a hang would hit it

// Events by namespace/name, plus a gate that can hold writes so tests can
// observe the recorder while its sender is busy.
class FakeSink final : public EventSink {
 public:
  struct State {
    std::mutex mu;
    std::condition_variable_any cv;
    std::map<std::string, json> events;  // guarded by mu
    int creates = 0;                     // guarded by mu
    int patches = 0;                     // guarded by mu
    bool gate_closed = false;            // guarded by mu
    int waiting_at_gate = 0;             // guarded by mu
    bool fail_creates = false;           // guarded by mu
  };
  explicit FakeSink(State& state) : state_(state) {}

  Result<json> Create(const std::string& ns, const json& event, std::stop_token stop) override {
    std::unique_lock lock(state_.mu);
    if (!PassGate(lock, stop)) {
      return CancelledError("stopped at the gate");
    }
    ++state_.creates;
    if (state_.fail_creates) {
      return UnavailableError("injected");
    }
    state_.events[ns + "/" + event["metadata"]["name"].get<std::string>()] = event;
    return event;
  }

  Result<json> Patch(const std::string& ns, const std::string& name, const json& patch,
                     std::stop_token stop) override {
    std::unique_lock lock(state_.mu);
    if (!PassGate(lock, stop)) {
      return CancelledError("stopped at the gate");
    }
    ++state_.patches;
    auto it = state_.events.find(ns + "/" + name);
    if (it == state_.events.end()) {
      return NotFoundError("events \"" + name + "\" not found");
    }
    it->second.merge_patch(patch);
    return it->second;
  }

 private:
  bool PassGate(std::unique_lock<std::mutex>& lock, std::stop_token stop) {
    ++state_.waiting_at_gate;
    state_.cv.notify_all();
    const bool passed = state_.cv.wait(lock, stop, [&] { return !state_.gate_closed; });
    --state_.waiting_at_gate;
    return passed;
  }
  State& state_;
};

json ConfigMap(const std::string& name, const std::string& ns = "shop") {
  json meta = {{"name", name}, {"uid", "uid-" + name}, {"resourceVersion", "7"}};
  if (!ns.empty()) {
    meta["namespace"] = ns;
  }
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", meta}};
}

class EventRecorderTest : public ::testing::Test {
 protected:
  std::unique_ptr<KubeEventRecorder> MakeRecorder(KubeEventRecorderOptions options = {}) {
    options.source = {.component = "dr-syncer", .host = "test-host"};
    return std::make_unique<KubeEventRecorder>(std::make_unique<FakeSink>(sink_), clock_,
                                               std::move(options));
  }
  std::map<std::string, json> Events() {
    std::lock_guard lock(sink_.mu);
    return sink_.events;
  }
  void SetGate(bool closed) {
    {
      std::lock_guard lock(sink_.mu);
      sink_.gate_closed = closed;
    }
    sink_.cv.notify_all();
  }
  void WaitForWriterAtGate() {
    std::unique_lock lock(sink_.mu);
    sink_.cv.wait(lock, [&] { return sink_.waiting_at_gate > 0; });
  }

  FakeClock clock_;
  FakeSink::State sink_;
};

TEST_F(EventRecorderTest, RepeatsBecomeOneEventWithACount) {
  auto recorder = MakeRecorder();
  const auto first = clock_.WallNow();
  for (int i = 0; i < 5; ++i) {
    recorder->Event(ConfigMap("cfg"), EventType::kNormal, "Synced", "copied to dr");
    clock_.Advance(seconds(10));
  }
  recorder->Event(ConfigMap("cfg"), EventType::kWarning, "SyncFailed", "dr unreachable");
  ASSERT_TRUE(recorder->Flush(kFlushTimeout));

  const auto events = Events();
  ASSERT_EQ(events.size(), 2U);
  int synced = 0;
  for (const auto& [key, event] : events) {
    EXPECT_TRUE(key.starts_with("shop/cfg.")) << key;
    EXPECT_EQ(event["involvedObject"]["uid"], "uid-cfg");
    EXPECT_EQ(event["source"]["component"], "dr-syncer");
    if (event["reason"] == "Synced") {
      ++synced;
      EXPECT_EQ(event["count"], 5);
      EXPECT_EQ(event["type"], "Normal");
      EXPECT_EQ(event["firstTimestamp"], FormatRfc3339(first));
      EXPECT_EQ(event["lastTimestamp"], FormatRfc3339(first + seconds(40)));
    } else {
      EXPECT_EQ(event["count"], 1);
      EXPECT_EQ(event["type"], "Warning");
    }
  }
  EXPECT_EQ(synced, 1);
  const auto stats = recorder->stats();
  EXPECT_EQ(stats.created, 2U);
  EXPECT_EQ(stats.patched, 4U);
  EXPECT_EQ(stats.failed, 0U);
}

TEST_F(EventRecorderTest, FullQueueDropsWithoutBlockingTheCaller) {
  auto recorder = MakeRecorder({.queue_capacity = 2});
  SetGate(true);
  recorder->Event(ConfigMap("a"), EventType::kNormal, "R0", "m");
  WaitForWriterAtGate();  // the sender holds R0; the queue is empty again
  for (int i = 1; i <= 5; ++i) {
    recorder->Event(ConfigMap("a"), EventType::kNormal, "R" + std::to_string(i), "m");
  }
  EXPECT_EQ(recorder->stats().dropped_queue_full, 3U);
  EXPECT_FALSE(recorder->Flush(milliseconds(1)));
  SetGate(false);
  ASSERT_TRUE(recorder->Flush(kFlushTimeout));
  EXPECT_EQ(recorder->stats().created, 3U);
  EXPECT_EQ(Events().size(), 3U);
}

TEST_F(EventRecorderTest, ExpiredEventIsCreatedAgainWithItsCount) {
  auto recorder = MakeRecorder();
  recorder->Event(ConfigMap("cfg"), EventType::kNormal, "Synced", "ok");
  ASSERT_TRUE(recorder->Flush(kFlushTimeout));
  {
    std::lock_guard lock(sink_.mu);
    sink_.events.clear();  // the API server's TTL removed it
  }
  recorder->Event(ConfigMap("cfg"), EventType::kNormal, "Synced", "ok");
  ASSERT_TRUE(recorder->Flush(kFlushTimeout));
  const auto events = Events();
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events.begin()->second["count"], 2);
  EXPECT_EQ(recorder->stats().created, 2U);
  // The next repeat patches the new Event.
  recorder->Event(ConfigMap("cfg"), EventType::kNormal, "Synced", "ok");
  ASSERT_TRUE(recorder->Flush(kFlushTimeout));
  EXPECT_EQ(Events().begin()->second["count"], 3);
}

TEST_F(EventRecorderTest, FailedCreatesAreCountedAndRetriedByTheNextOccurrence) {
  auto recorder = MakeRecorder();
  {
    std::lock_guard lock(sink_.mu);
    sink_.fail_creates = true;
  }
  recorder->Event(ConfigMap("cfg"), EventType::kNormal, "Synced", "ok");
  ASSERT_TRUE(recorder->Flush(kFlushTimeout));
  EXPECT_EQ(recorder->stats().failed, 1U);
  {
    std::lock_guard lock(sink_.mu);
    sink_.fail_creates = false;
  }
  recorder->Event(ConfigMap("cfg"), EventType::kNormal, "Synced", "ok");
  ASSERT_TRUE(recorder->Flush(kFlushTimeout));
  ASSERT_EQ(Events().size(), 1U);
  EXPECT_EQ(Events().begin()->second["count"], 2);
}

TEST_F(EventRecorderTest, SpamFilterLimitsAHotObject) {
  auto recorder = MakeRecorder({.correlator = {.burst = 3}});
  for (int i = 0; i < 10; ++i) {
    recorder->Event(ConfigMap("hot"), EventType::kWarning, "Loop", "attempt " + std::to_string(i));
  }
  recorder->Event(ConfigMap("calm"), EventType::kNormal, "Fine", "ok");
  ASSERT_TRUE(recorder->Flush(kFlushTimeout));
  EXPECT_EQ(recorder->stats().created, 4U);
  EXPECT_EQ(recorder->stats().dropped_spam, 7U);
}

TEST_F(EventRecorderTest, ClusterScopedObjectsGoToDefault) {
  auto recorder = MakeRecorder();
  json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "shop"}}}};
  recorder->Event(ns, EventType::kNormal, "Seen", "ok");
  ASSERT_TRUE(recorder->Flush(kFlushTimeout));
  const auto events = Events();
  ASSERT_EQ(events.size(), 1U);
  EXPECT_TRUE(events.begin()->first.starts_with("default/shop."));
  EXPECT_FALSE(events.begin()->second["involvedObject"].contains("namespace"));
}

TEST_F(EventRecorderTest, ShutdownDrainsThenDropsLaterEvents) {
  auto recorder = MakeRecorder();
  recorder->Event(ConfigMap("a"), EventType::kNormal, "R", "m");
  recorder->Shutdown(kFlushTimeout);
  EXPECT_EQ(recorder->stats().created, 1U);
  recorder->Event(ConfigMap("a"), EventType::kNormal, "Late", "m");
  EXPECT_EQ(recorder->stats().dropped_queue_full, 1U);
  recorder->Shutdown(kFlushTimeout);  // idempotent
}

TEST_F(EventRecorderTest, DestructorCancelsAWriteInFlight) {
  auto recorder = MakeRecorder();
  SetGate(true);
  recorder->Event(ConfigMap("a"), EventType::kNormal, "R", "m");
  WaitForWriterAtGate();
  recorder.reset();  // returns only because the sender's stop reached the sink
  std::lock_guard lock(sink_.mu);
  EXPECT_EQ(sink_.creates, 0);
}

TEST_F(EventRecorderTest, ShutdownWithAStuckSinkGivesUpAndEmptiesTheQueue) {
  auto recorder = MakeRecorder();
  SetGate(true);
  recorder->Event(ConfigMap("a"), EventType::kNormal, "InFlight", "m");
  WaitForWriterAtGate();
  recorder->Event(ConfigMap("a"), EventType::kNormal, "Queued", "m");
  recorder->Shutdown(milliseconds(1));
  EXPECT_TRUE(recorder->Flush(milliseconds(1)));  // nothing left to wait for
  const auto stats = recorder->stats();
  EXPECT_EQ(stats.dropped_queue_full, 1U);
  EXPECT_EQ(stats.failed, 1U);  // the cancelled write
  EXPECT_EQ(stats.created, 0U);
}

TEST(FakeEventRecorderTest, KeepsEventsInOrder) {
  FakeEventRecorder fake;
  EventRecorder& recorder = fake;
  recorder.Event(ConfigMap("a"), EventType::kWarning, "Failed", "boom");
  recorder.Event(ConfigMap("b", ""), EventType::kNormal, "Done", "ok");
  EXPECT_EQ(fake.reasons(), (std::vector<std::string>{"Failed", "Done"}));
  const auto events = fake.events();
  EXPECT_EQ(events[0].object.ToString(), "shop/a");
  EXPECT_EQ(events[0].kind, "ConfigMap");
  EXPECT_EQ(events[0].type, EventType::kWarning);
  EXPECT_EQ(events[1].object.ToString(), "b");
}

}  // namespace
}  // namespace drs::runtime
