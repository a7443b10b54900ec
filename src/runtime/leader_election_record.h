#pragma once
// LeaderElectionRecord: the part of a coordination.k8s.io/v1 Lease that
// leader election reads and writes (client-go's LeaderElectionRecord), and
// its conversion to and from the Lease's JSON. Times are the API's MicroTime:
// RFC 3339 in UTC with exactly six fractional digits.
//
// Only the fields below are ever written: everything else on a Lease (labels,
// newer spec fields such as preferredHolder) is preserved by updating the
// object we read instead of building a fresh one.
//
// Thread-safety: value types and pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "kube/group_version.h"

namespace drs::runtime {

inline const kube::GroupVersionResource kLeases{"coordination.k8s.io", "v1", "leases"};

struct LeaderElectionRecord {
  std::string holder_identity;  // empty: nobody holds the lease
  std::int64_t lease_duration_seconds = 0;
  std::optional<Clock::WallTime> acquire_time;
  std::optional<Clock::WallTime> renew_time;
  std::int64_t lease_transitions = 0;

  friend bool operator==(const LeaderElectionRecord&, const LeaderElectionRecord&) = default;
};

// The record in a Lease's spec. Never fails: the Lease comes from the API
// server, so an absent or mistyped field reads as its empty value (a time
// that does not parse as absent). Decisions never rest on the remote times.
LeaderElectionRecord RecordFromLease(const nlohmann::json& lease);

// Writes `record` into lease.spec (creating spec as needed), leaving every
// other field alone. Absent times are removed from the spec.
void ApplyRecordToLease(nlohmann::json& lease, const LeaderElectionRecord& record);

// A whole new Lease object holding `record`, for Create.
nlohmann::json NewLease(std::string_view ns, std::string_view name,
                        const LeaderElectionRecord& record);

// "2026-01-02T03:04:05.123456Z": MicroTime as the API server writes it.
std::string FormatMicroTime(Clock::WallTime time);

// `time` rounded down to whole microseconds, the precision a MicroTime keeps,
// so a record we wrote compares equal to the same record read back.
Clock::WallTime TruncateToMicros(Clock::WallTime time);

}  // namespace drs::runtime
