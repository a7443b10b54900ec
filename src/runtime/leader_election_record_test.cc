#include "runtime/leader_election_record.h"

#include <gtest/gtest.h>

#include "base/rfc3339.h"

namespace drs::runtime {
namespace {

using nlohmann::json;

Clock::WallTime At(const char* text) { return *ParseRfc3339(text); }

TEST(FormatMicroTimeTest, AlwaysSixFractionDigitsInUtc) {
  EXPECT_EQ(FormatMicroTime(At("2026-01-02T03:04:05Z")), "2026-01-02T03:04:05.000000Z");
  EXPECT_EQ(FormatMicroTime(At("2026-01-02T03:04:05.1234567Z")), "2026-01-02T03:04:05.123456Z");
  EXPECT_EQ(FormatMicroTime(At("2026-01-02T03:04:05.000001+02:00")), "2026-01-02T01:04:05.000001Z");
}

TEST(LeaseRecordTest, ReadsEveryField) {
  const json lease = {{"spec",
                       {{"holderIdentity", "pod-a"},
                        {"leaseDurationSeconds", 15},
                        {"acquireTime", "2026-01-02T03:04:05.000001Z"},
                        {"renewTime", "2026-01-02T03:04:09.500000Z"},
                        {"leaseTransitions", 3}}}};
  const LeaderElectionRecord r = RecordFromLease(lease);
  EXPECT_EQ(r.holder_identity, "pod-a");
  EXPECT_EQ(r.lease_duration_seconds, 15);
  EXPECT_EQ(r.acquire_time, At("2026-01-02T03:04:05.000001Z"));
  EXPECT_EQ(r.renew_time, At("2026-01-02T03:04:09.5Z"));
  EXPECT_EQ(r.lease_transitions, 3);
}

TEST(LeaseRecordTest, MissingOrMistypedFieldsReadAsEmpty) {
  for (const json& lease : {json(nullptr), json::object(), json({{"spec", "x"}}),
                            json({{"spec",
                                   {{"holderIdentity", 7},
                                    {"leaseDurationSeconds", "15"},
                                    {"renewTime", "yesterday"},
                                    {"leaseTransitions", 1.5}}}})}) {
    EXPECT_EQ(RecordFromLease(lease), LeaderElectionRecord{}) << lease.dump();
  }
}

TEST(LeaseRecordTest, RoundTripsThroughTheLeaseAndKeepsOtherFields) {
  json lease = {
      {"metadata", {{"name", "l"}, {"resourceVersion", "42"}}},
      {"spec", {{"preferredHolder", "someone"}, {"acquireTime", "2020-01-01T00:00:00Z"}}}};
  const LeaderElectionRecord r{.holder_identity = "me",
                               .lease_duration_seconds = 4,
                               .acquire_time = std::nullopt,
                               .renew_time = At("2026-05-06T07:08:09.123456Z"),
                               .lease_transitions = 9};
  ApplyRecordToLease(lease, r);
  EXPECT_EQ(RecordFromLease(lease), r);
  EXPECT_EQ(lease["spec"]["renewTime"], "2026-05-06T07:08:09.123456Z");
  EXPECT_FALSE(lease["spec"].contains("acquireTime"));
  EXPECT_EQ(lease["spec"]["preferredHolder"], "someone");
  EXPECT_EQ(lease["metadata"]["resourceVersion"], "42");
}

TEST(LeaseRecordTest, ReleasedHolderIsWrittenAsEmptyString) {
  json lease = json::object();
  ApplyRecordToLease(lease, LeaderElectionRecord{.lease_duration_seconds = 1});
  EXPECT_EQ(lease["spec"]["holderIdentity"], "");
}

TEST(NewLeaseTest, IsACompleteLeaseObject) {
  const json lease = NewLease("ns", "drs-leader", LeaderElectionRecord{.holder_identity = "me"});
  EXPECT_EQ(lease["apiVersion"], "coordination.k8s.io/v1");
  EXPECT_EQ(lease["kind"], "Lease");
  EXPECT_EQ(lease["metadata"]["namespace"], "ns");
  EXPECT_EQ(lease["metadata"]["name"], "drs-leader");
  EXPECT_EQ(lease["spec"]["holderIdentity"], "me");
}

}  // namespace
}  // namespace drs::runtime
