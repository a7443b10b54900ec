#include "controller/datasync/key_ring.h"

#include <gtest/gtest.h>

#include "base/rfc3339.h"

namespace drs::controller::datasync {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

Clock::WallTime T(const char* text) { return *ParseRfc3339(text); }

RingKey Key(std::int64_t serial, const char* created, const char* not_after = nullptr) {
  RingKey k;
  k.serial = serial;
  k.created = T(created);
  if (not_after != nullptr) k.not_after = T(not_after);
  k.public_key = "ssh-ed25519 AAAA" + std::to_string(serial) + " test";
  k.private_key = SecretBytes("private-" + std::to_string(serial));
  return k;
}

KeyRing Ring(std::vector<RingKey> keys) {
  KeyRing ring;
  for (auto& k : keys) ring.last_serial = std::max(ring.last_serial, k.serial);
  ring.keys = std::move(keys);
  return ring;
}

TEST(KeyRingTest, OverlapIsHalfTheIntervalAtMostADay) {
  EXPECT_EQ(RotationOverlap(hours(1)), minutes(30));
  EXPECT_EQ(RotationOverlap(hours(720)), hours(24));
}

TEST(KeyRingTest, AnEmptyRingMintsSerialOne) {
  const auto plan = PlanRotation(KeyRing{}, T("2026-01-01T00:00:00Z"), hours(720), hours(24));
  EXPECT_TRUE(plan.mint);
  EXPECT_EQ(plan.mint_serial, 1);
  EXPECT_TRUE(plan.retire.empty());
  EXPECT_TRUE(plan.drop.empty());
}

struct KeySpec {
  std::int64_t serial;
  const char* created;
  const char* not_after = nullptr;
};

KeyRing RingOf(const std::vector<KeySpec>& specs) {
  std::vector<RingKey> keys;
  for (const auto& k : specs) keys.push_back(Key(k.serial, k.created, k.not_after));
  return Ring(std::move(keys));
}

TEST(KeyRingTest, RotationTable) {
  const auto interval = hours(720);
  const auto overlap = hours(24);
  const struct {
    const char* name;
    std::vector<KeySpec> keys;
    const char* now;
    bool mint;
    std::map<std::int64_t, Clock::WallTime> retire;
    std::vector<std::int64_t> drop;
  } cases[] = {
      {"young active key: nothing to do",
       {{3, "2026-01-01T00:00:00Z"}},
       "2026-01-10T00:00:00Z",
       false,
       {},
       {}},
      {"active key at the interval: mint 4, retire 3 for the overlap",
       {{3, "2026-01-01T00:00:00Z"}},
       "2026-01-31T00:00:00Z",
       true,
       {{3, T("2026-02-01T00:00:00Z")}},
       {}},
      {"retiring key within its overlap stays",
       {{3, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"}, {4, "2026-01-31T00:00:00Z"}},
       "2026-01-31T12:00:00Z",
       false,
       {},
       {}},
      {"retiring key past its notAfter is dropped",
       {{3, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"}, {4, "2026-01-31T00:00:00Z"}},
       "2026-02-01T00:00:00Z",
       false,
       {},
       {3}},
      {"only retiring keys left: mint, keep their notAfter",
       {{3, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"}},
       "2026-01-31T12:00:00Z",
       true,
       {},
       {}},
  };
  for (const auto& c : cases) {
    const KeyRing ring = RingOf(c.keys);
    const auto plan = PlanRotation(ring, T(c.now), interval, overlap);
    EXPECT_EQ(plan.mint, c.mint) << c.name;
    EXPECT_EQ(plan.retire, c.retire) << c.name;
    EXPECT_EQ(plan.drop, c.drop) << c.name;
    if (c.mint) {
      EXPECT_EQ(plan.mint_serial, ring.last_serial + 1) << c.name;
    }
  }
}

TEST(KeyRingTest, ForcedRotationMintsAndRetiresEveryLiveKeyByTheOverlap) {
  // 3 retired long ago (dead), 4 retiring until well after the new overlap,
  // 5 retiring sooner than it, 6 active and young.
  const KeyRing ring = RingOf({{3, "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"},
                               {4, "2026-01-05T00:00:00Z", "2026-01-20T00:00:00Z"},
                               {5, "2026-01-06T00:00:00Z", "2026-01-10T00:01:00Z"},
                               {6, "2026-01-09T00:00:00Z"}});
  const auto now = T("2026-01-10T00:00:00Z");
  const auto plan = PlanForcedRotation(ring, now, minutes(5));
  EXPECT_TRUE(plan.mint);
  EXPECT_EQ(plan.mint_serial, 7);
  const std::map<std::int64_t, Clock::WallTime> retire = {{4, T("2026-01-10T00:05:00Z")},
                                                          {6, T("2026-01-10T00:05:00Z")}};
  EXPECT_EQ(plan.retire, retire);  // 5 keeps its earlier notAfter
  EXPECT_EQ(plan.drop, std::vector<std::int64_t>{3});
  // The interval-based plan would have done nothing for a young key.
  EXPECT_FALSE(PlanRotation(ring, now, hours(720), hours(24)).mint);

  KeyRing applied = RingOf({{6, "2026-01-09T00:00:00Z"}});
  RingKey minted;
  minted.public_key = "ssh-ed25519 AAAAnew";
  minted.private_key = SecretBytes("new");
  ApplyRotation(applied, PlanForcedRotation(applied, now, minutes(5)), std::move(minted), now);
  ASSERT_EQ(applied.keys.size(), 2u);
  EXPECT_EQ(applied.keys[0].not_after, T("2026-01-10T00:05:00Z"));
  EXPECT_EQ(applied.keys[1].serial, 7);
  // The new key is the one to use once it has propagated; the old one until then.
  EXPECT_EQ(KeyForUse(applied, now, minutes(1))->serial, 6);
  EXPECT_EQ(KeyForUse(applied, T("2026-01-10T00:01:00Z"), minutes(1))->serial, 7);
  // After the overlap only the new key is live.
  EXPECT_EQ(NewestLive(applied, T("2026-01-10T00:05:00Z"))->serial, 7);
  EXPECT_FALSE(applied.keys[0].Live(T("2026-01-10T00:05:00Z")));
}

TEST(KeyRingTest, ForcedRotationOfAnEmptyRingMintsTheNextSerial) {
  KeyRing ring;
  ring.last_serial = 4;
  const auto plan = PlanForcedRotation(ring, T("2026-01-10T00:00:00Z"), minutes(5));
  EXPECT_TRUE(plan.mint);
  EXPECT_EQ(plan.mint_serial, 5);
  EXPECT_TRUE(plan.retire.empty());
}

TEST(KeyRingTest, SerialsNeverRepeatEvenAfterEveryKeyWasDropped) {
  KeyRing ring;
  ring.last_serial = 9;
  const auto now = T("2026-03-01T00:00:00Z");
  const auto plan = PlanRotation(ring, now, hours(720), hours(24));
  ASSERT_TRUE(plan.mint);
  EXPECT_EQ(plan.mint_serial, 10);
}

TEST(KeyRingTest, ApplyRotationMintsRetiresAndDrops) {
  KeyRing ring;
  ring.keys.push_back(Key(2, "2025-12-01T00:00:00Z", "2026-01-01T00:00:00Z"));
  ring.keys.push_back(Key(3, "2025-12-31T00:00:00Z"));
  ring.last_serial = 3;
  const auto now = T("2026-01-30T00:00:00Z");
  const auto plan = PlanRotation(ring, now, hours(720), hours(24));
  RingKey minted;
  minted.public_key = "ssh-ed25519 AAAAnew";
  minted.private_key = SecretBytes("new");
  ApplyRotation(ring, plan, std::move(minted), now);
  ASSERT_EQ(ring.keys.size(), 2u);
  EXPECT_EQ(ring.keys[0].serial, 3);
  EXPECT_EQ(ring.keys[0].not_after, T("2026-01-31T00:00:00Z"));
  EXPECT_EQ(ring.keys[1].serial, 4);
  EXPECT_EQ(ring.keys[1].created, now);
  EXPECT_FALSE(ring.keys[1].not_after);
  EXPECT_EQ(ring.last_serial, 4);
}

TEST(KeyRingTest, KeyForUseWaitsForPropagationExceptForTheFirstKey) {
  KeyRing ring;
  ring.keys.push_back(Key(3, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"));
  ring.keys.push_back(Key(4, "2026-01-31T00:00:00Z"));
  const auto propagation = minutes(2);
  // Key 4 is one minute old: agents may not know it yet, use 3.
  EXPECT_EQ(KeyForUse(ring, T("2026-01-31T00:01:00Z"), propagation)->serial, 3);
  EXPECT_EQ(KeyForUse(ring, T("2026-01-31T00:02:00Z"), propagation)->serial, 4);
  // Key 3 expired: 4 is all there is.
  KeyRing fresh;
  fresh.keys.push_back(Key(1, "2026-01-31T00:00:00Z"));
  EXPECT_EQ(KeyForUse(fresh, T("2026-01-31T00:00:10Z"), propagation)->serial, 1);
  EXPECT_EQ(KeyForUse(KeyRing{}, T("2026-01-31T00:00:10Z"), propagation), nullptr);
  EXPECT_EQ(NewestLive(ring, T("2026-01-31T00:01:00Z"))->serial, 4);
}

TEST(KeyRingTest, SecretDataRoundTrips) {
  KeyRing ring;
  ring.last_serial = 7;
  ring.keys.push_back(Key(6, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"));
  ring.keys.push_back(Key(7, "2026-01-31T00:00:00Z"));
  const auto data = EncodeRingData(ring);
  EXPECT_TRUE(data.contains("ring.json"));
  EXPECT_TRUE(data.contains("key-6"));
  EXPECT_TRUE(data.contains("key-7"));
  // The public part holds no private key.
  EXPECT_EQ(data["ring.json"].get<std::string>().find("private"), std::string::npos);
  auto back = DecodeRingData(data);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->last_serial, 7);
  ASSERT_EQ(back->keys.size(), 2u);
  EXPECT_EQ(back->keys[0].serial, 6);
  EXPECT_EQ(back->keys[0].not_after, T("2026-02-01T00:00:00Z"));
  EXPECT_EQ(back->keys[1].private_key.reveal(), "private-7");
  EXPECT_EQ(back->keys[1].public_key, ring.keys[1].public_key);
}

TEST(KeyRingTest, MalformedSecretDataIsInvalid) {
  const nlohmann::json cases[] = {
      nlohmann::json::array(),
      {{"other", "eA=="}},
      {{"ring.json", "!!!"}},
      {{"ring.json", "bm90IGpzb24="}},  // "not json"
      // A key without its private half.
      {{"ring.json",
        "eyJrZXlzIjpbeyJzZXJpYWwiOjEsImNyZWF0ZWQiOiIyMDI2LTAxLTAxVDAwOjAwOjAwWiIs"
        "InB1YmxpY0tleSI6InNzaC1lZDI1NTE5IEFBQUEifV19"}},
  };
  for (const auto& data : cases) {
    auto r = DecodeRingData(data);
    EXPECT_FALSE(r.ok()) << data.dump();
    if (!r.ok()) {
      EXPECT_EQ(r.error().code(), ErrorCode::kInvalid) << data.dump();
    }
  }
}

}  // namespace
}  // namespace drs::controller::datasync
