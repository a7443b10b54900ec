#include "runtime/leader_election_logic.h"

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/fake_clock.h"

namespace drs::runtime {
namespace {

using std::chrono::seconds;

constexpr seconds kOurDuration{15};
const std::string kMe = "me";

// A record as another process would have written it at `wall`.
LeaderElectionRecord Rec(std::string holder, std::int64_t duration_seconds,
                         Clock::WallTime wall = Clock::WallTime{}, std::int64_t transitions = 0) {
  return {.holder_identity = std::move(holder),
          .lease_duration_seconds = duration_seconds,
          .acquire_time = wall,
          .renew_time = wall,
          .lease_transitions = transitions};
}

struct DecideCase {
  std::string name;
  std::optional<LeaderElectionRecord> earlier;  // read `elapsed` before `current`
  seconds elapsed{0};
  std::optional<LeaderElectionRecord> current;
  bool leading = false;
  LeaseAction want;
};

// Remote times are deliberately absurd (the epoch, or far ahead): decisions
// must rest on when *we* saw a change, never on another machine's clock.
const Clock::WallTime kAncient{};
const Clock::WallTime kFuture = Clock::WallTime{} + std::chrono::hours(24 * 365 * 100);

std::vector<DecideCase> DecideCases() {
  return {
      {"NoLeaseIsCreated", {}, seconds(0), std::nullopt, false, LeaseAction::kCreate},
      {"NoLeaseDuringTermIsRecreated", {}, seconds(0), std::nullopt, true, LeaseAction::kCreate},
      {"FirstSightOfHeldLeaseWaitsEvenIfRenewTimeIsAncient",
       {},
       seconds(0),
       Rec("other", 15, kAncient),
       false,
       LeaseAction::kWait},
      {"UnchangedJustBeforeExpiryWaits", Rec("other", 15), seconds(14), Rec("other", 15), false,
       LeaseAction::kWait},
      {"UnchangedForLeaseDurationIsTaken", Rec("other", 15), seconds(15), Rec("other", 15), false,
       LeaseAction::kAcquire},
      {"HolderDurationGovernsNotOurs", Rec("other", 40), seconds(30), Rec("other", 40), false,
       LeaseAction::kWait},
      {"RenewedRecordRestartsTheWait", Rec("other", 15, kAncient), seconds(20),
       Rec("other", 15, kFuture), false, LeaseAction::kWait},
      {"NewHolderRestartsTheWait", Rec("other", 15), seconds(20), Rec("third", 15), false,
       LeaseAction::kWait},
      {"ZeroDurationExpiresAtOnce", {}, seconds(0), Rec("other", 0), false, LeaseAction::kAcquire},
      {"EmptyHolderIsTakenAtOnce", {}, seconds(0), Rec("", 1), false, LeaseAction::kAcquire},
      {"OurNameOutsideATermStartsANewTerm",
       {},
       seconds(0),
       Rec(kMe, 15),
       false,
       LeaseAction::kAcquire},
      {"OurNameDuringTermIsRenewed", {}, seconds(0), Rec(kMe, 15), true, LeaseAction::kRenew},
      {"OtherNameDuringTermIsLost", Rec(kMe, 15), seconds(1), Rec("other", 15), true,
       LeaseAction::kLost},
      {"ClearedHolderDuringTermIsLost", Rec(kMe, 15), seconds(1), Rec("", 1), true,
       LeaseAction::kLost},
  };
}

class DecideTest : public ::testing::TestWithParam<DecideCase> {};

TEST_P(DecideTest, Decides) {
  const DecideCase& c = GetParam();
  FakeClock clock;
  LeaseDecider decider(kMe, kOurDuration);
  if (c.earlier.has_value()) {
    (void)decider.Decide(c.earlier, /*leading=*/false, clock.Now());
  }
  clock.Advance(c.elapsed);
  EXPECT_EQ(LeaseActionName(decider.Decide(c.current, c.leading, clock.Now())),
            LeaseActionName(c.want));
}

INSTANTIATE_TEST_SUITE_P(Table, DecideTest, ::testing::ValuesIn(DecideCases()),
                         [](const auto& test_info) { return test_info.param.name; });

TEST(LeaseDeciderTest, ObservedTimeMovesOnlyWhenTheRecordChanges) {
  FakeClock clock;
  LeaseDecider decider(kMe, kOurDuration);
  const Clock::TimePoint first_seen = clock.Now();
  EXPECT_EQ(decider.Decide(Rec("other", 10), false, clock.Now()), LeaseAction::kWait);
  clock.Advance(seconds(6));
  EXPECT_EQ(decider.Decide(Rec("other", 10), false, clock.Now()), LeaseAction::kWait);
  EXPECT_EQ(decider.observed_time(), first_seen);
  clock.Advance(seconds(4));
  EXPECT_EQ(decider.Decide(Rec("other", 10), false, clock.Now()), LeaseAction::kAcquire);
}

TEST(LeaseDeciderTest, OurOwnWriteIsTheNewObservation) {
  FakeClock clock;
  LeaseDecider decider(kMe, kOurDuration);
  ASSERT_EQ(decider.Decide(std::nullopt, false, clock.Now()), LeaseAction::kCreate);
  const LeaderElectionRecord mine = decider.Desired(LeaseAction::kCreate, clock.WallNow());
  clock.Advance(seconds(1));
  decider.Wrote(mine, clock.Now());
  EXPECT_EQ(decider.observed(), mine);
  EXPECT_EQ(decider.observed_time(), clock.Now());
  // Reading back what we wrote is no change.
  clock.Advance(seconds(2));
  EXPECT_EQ(decider.Decide(mine, true, clock.Now()), LeaseAction::kRenew);
  EXPECT_EQ(decider.observed_time(), clock.Now() - seconds(2));
}

TEST(LeaseDeciderTest, CreateStartsTheCountAtZero) {
  FakeClock clock;
  LeaseDecider decider(kMe, kOurDuration);
  (void)decider.Decide(std::nullopt, false, clock.Now());
  const LeaderElectionRecord r = decider.Desired(LeaseAction::kCreate, clock.WallNow());
  EXPECT_EQ(r.holder_identity, kMe);
  EXPECT_EQ(r.lease_duration_seconds, kOurDuration.count());
  EXPECT_EQ(r.acquire_time, clock.WallNow());
  EXPECT_EQ(r.renew_time, clock.WallNow());
  EXPECT_EQ(r.lease_transitions, 0);
}

TEST(LeaseDeciderTest, AcquireCountsATransitionAndStampsBothTimes) {
  FakeClock clock;
  LeaseDecider decider(kMe, kOurDuration);
  const Clock::WallTime then = clock.WallNow();
  ASSERT_EQ(decider.Decide(Rec("", 1, then, 3), false, clock.Now()), LeaseAction::kAcquire);
  clock.Advance(seconds(1));
  const LeaderElectionRecord r = decider.Desired(LeaseAction::kAcquire, clock.WallNow());
  EXPECT_EQ(r.holder_identity, kMe);
  EXPECT_EQ(r.lease_duration_seconds, kOurDuration.count());
  EXPECT_EQ(r.acquire_time, clock.WallNow());
  EXPECT_EQ(r.renew_time, clock.WallNow());
  EXPECT_EQ(r.lease_transitions, 4);
}

TEST(LeaseDeciderTest, RenewKeepsAcquireTimeAndCount) {
  FakeClock clock;
  LeaseDecider decider(kMe, kOurDuration);
  const Clock::WallTime acquired = clock.WallNow();
  ASSERT_EQ(decider.Decide(Rec(kMe, 15, acquired, 7), true, clock.Now()), LeaseAction::kRenew);
  clock.Advance(seconds(2));
  const LeaderElectionRecord r = decider.Desired(LeaseAction::kRenew, clock.WallNow());
  EXPECT_EQ(r.acquire_time, acquired);
  EXPECT_EQ(r.renew_time, clock.WallNow());
  EXPECT_EQ(r.lease_transitions, 7);
}

TEST(LeaseDeciderTest, DesiredTimesHaveMicrosecondPrecision) {
  FakeClock clock;
  clock.Advance(std::chrono::nanoseconds(1'234'567));
  LeaseDecider decider(kMe, kOurDuration);
  (void)decider.Decide(std::nullopt, false, clock.Now());
  const LeaderElectionRecord r = decider.Desired(LeaseAction::kCreate, clock.WallNow());
  EXPECT_EQ(r.renew_time, clock.WallNow() - std::chrono::nanoseconds(567));
}

TEST(ReleasedRecordTest, ClearsHolderShortensDurationKeepsCount) {
  FakeClock clock;
  const LeaderElectionRecord r =
      ReleasedRecord(Rec(kMe, 15, Clock::WallTime{}, 5), clock.WallNow());
  EXPECT_EQ(r.holder_identity, "");
  EXPECT_EQ(r.lease_duration_seconds, 1);
  EXPECT_EQ(r.lease_transitions, 5);
  EXPECT_EQ(r.renew_time, clock.WallNow());
  EXPECT_EQ(r.acquire_time, clock.WallNow());
}

}  // namespace
}  // namespace drs::runtime
