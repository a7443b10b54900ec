#include "runtime/event_correlator.h"

#include <gtest/gtest.h>

#include "base/fake_clock.h"

namespace drs::runtime {
namespace {

using Action = Correlation::Action;
using std::chrono::minutes;
using std::chrono::seconds;

EventKey Key(std::string object, std::string reason, std::string message = "m") {
  return {.object = std::move(object),
          .type = "Normal",
          .reason = std::move(reason),
          .message = std::move(message)};
}

class EventCorrelatorTest : public ::testing::Test {
 protected:
  Correlation Observe(EventCorrelator& c, const EventKey& key) {
    return c.Observe(key, clock_.Now(), clock_.WallNow());
  }
  FakeClock clock_;
};

TEST_F(EventCorrelatorTest, RepeatsPatchTheRecordedEvent) {
  EventCorrelator c;
  const auto first_wall = clock_.WallNow();
  auto first = Observe(c, Key("obj", "Synced"));
  EXPECT_EQ(first.action, Action::kCreate);
  EXPECT_EQ(first.count, 1);
  c.Recorded(Key("obj", "Synced"), "obj.1");
  for (int i = 2; i <= 5; ++i) {
    clock_.Advance(seconds(30));
    auto again = Observe(c, Key("obj", "Synced"));
    EXPECT_EQ(again.action, Action::kPatch);
    EXPECT_EQ(again.count, i);
    EXPECT_EQ(again.event_name, "obj.1");
    EXPECT_EQ(again.first_timestamp, first_wall);
  }
}

TEST_F(EventCorrelatorTest, DifferentReasonTypeOrMessageIsANewSeries) {
  EventCorrelator c;
  ASSERT_EQ(Observe(c, Key("obj", "A")).action, Action::kCreate);
  c.Recorded(Key("obj", "A"), "obj.a");
  EXPECT_EQ(Observe(c, Key("obj", "B")).action, Action::kCreate);
  EXPECT_EQ(Observe(c, Key("obj", "A", "other message")).action, Action::kCreate);
  EventKey warning = Key("obj", "A");
  warning.type = "Warning";
  EXPECT_EQ(Observe(c, warning).action, Action::kCreate);
  EXPECT_EQ(Observe(c, Key("other-obj", "A")).action, Action::kCreate);
  EXPECT_EQ(Observe(c, Key("obj", "A")).action, Action::kPatch);
}

TEST_F(EventCorrelatorTest, FailedCreateIsRetriedWithTheCountSoFar) {
  EventCorrelator c;
  EXPECT_EQ(Observe(c, Key("obj", "A")).action, Action::kCreate);
  // Never Recorded: the create failed.
  auto second = Observe(c, Key("obj", "A"));
  EXPECT_EQ(second.action, Action::kCreate);
  EXPECT_EQ(second.count, 2);
}

TEST_F(EventCorrelatorTest, RepeatAfterTheWindowStartsOver) {
  EventCorrelator c({.aggregation_window = minutes(10)});
  ASSERT_EQ(Observe(c, Key("obj", "A")).action, Action::kCreate);
  c.Recorded(Key("obj", "A"), "obj.1");
  clock_.Advance(minutes(9));
  EXPECT_EQ(Observe(c, Key("obj", "A")).action, Action::kPatch);  // the window slides
  clock_.Advance(minutes(9));
  EXPECT_EQ(Observe(c, Key("obj", "A")).action, Action::kPatch);
  clock_.Advance(minutes(10) + seconds(1));
  const auto restarted = Observe(c, Key("obj", "A"));
  EXPECT_EQ(restarted.action, Action::kCreate);
  EXPECT_EQ(restarted.count, 1);
  EXPECT_EQ(restarted.first_timestamp, clock_.WallNow());
}

TEST_F(EventCorrelatorTest, SpamFilterAllowsBurstThenOnePerInterval) {
  EventCorrelator c({.burst = 25, .refill_interval = minutes(5)});
  int allowed = 0;
  for (int i = 0; i < 100; ++i) {
    // Distinct messages: the filter is per object, whatever the event.
    if (Observe(c, Key("hot", "Loop", std::to_string(i))).action != Action::kDrop) {
      ++allowed;
    }
  }
  EXPECT_EQ(allowed, 25);
  EXPECT_EQ(Observe(c, Key("hot", "Loop")).action, Action::kDrop);
  // Other objects have buckets of their own.
  EXPECT_EQ(Observe(c, Key("calm", "Loop")).action, Action::kCreate);

  clock_.Advance(minutes(4));
  EXPECT_EQ(Observe(c, Key("hot", "Loop")).action, Action::kDrop);
  clock_.Advance(minutes(1));
  EXPECT_NE(Observe(c, Key("hot", "Loop")).action, Action::kDrop);
  EXPECT_EQ(Observe(c, Key("hot", "Loop")).action, Action::kDrop);
  // A long pause refills up to the burst, no further.
  clock_.Advance(std::chrono::hours(24));
  allowed = 0;
  for (int i = 0; i < 40; ++i) {
    if (Observe(c, Key("hot", "Loop")).action != Action::kDrop) {
      ++allowed;
    }
  }
  EXPECT_EQ(allowed, 25);
}

TEST_F(EventCorrelatorTest, DroppedOccurrencesDoNotCount) {
  EventCorrelator c({.burst = 2});
  ASSERT_EQ(Observe(c, Key("obj", "A")).action, Action::kCreate);
  c.Recorded(Key("obj", "A"), "obj.1");
  EXPECT_EQ(Observe(c, Key("obj", "A")).count, 2);
  EXPECT_EQ(Observe(c, Key("obj", "A")).action, Action::kDrop);
  clock_.Advance(minutes(5));
  EXPECT_EQ(Observe(c, Key("obj", "A")).count, 3);
}

TEST_F(EventCorrelatorTest, MemoryIsBounded) {
  EventCorrelator c({.max_tracked = 2});
  ASSERT_EQ(Observe(c, Key("a", "R")).action, Action::kCreate);
  c.Recorded(Key("a", "R"), "a.1");
  Observe(c, Key("b", "R"));
  Observe(c, Key("c", "R"));  // evicts "a", the least recently seen
  EXPECT_EQ(Observe(c, Key("a", "R")).action, Action::kCreate);
}

}  // namespace
}  // namespace drs::runtime
