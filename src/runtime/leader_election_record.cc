#include "runtime/leader_election_record.h"

#include <cstdio>

#include "base/rfc3339.h"

namespace drs::runtime {
namespace {

using nlohmann::json;

constexpr std::string_view kHolderIdentity = "holderIdentity";
constexpr std::string_view kLeaseDurationSeconds = "leaseDurationSeconds";
constexpr std::string_view kAcquireTime = "acquireTime";
constexpr std::string_view kRenewTime = "renewTime";
constexpr std::string_view kLeaseTransitions = "leaseTransitions";

// The member `key` of `j`, or nullptr: readers must not throw on API input.
const json* Child(const json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::int64_t IntOf(const json* j) {
  return j != nullptr && j->is_number_integer() ? j->get<std::int64_t>() : 0;
}

std::optional<Clock::WallTime> TimeOf(const json* j) {
  if (j == nullptr || !j->is_string()) return std::nullopt;
  auto parsed = ParseRfc3339(j->get_ref<const std::string&>());
  if (!parsed.ok()) return std::nullopt;
  return TruncateToMicros(*parsed);
}

void SetTime(json& spec, std::string_view key, const std::optional<Clock::WallTime>& time) {
  if (time.has_value()) {
    spec[key] = FormatMicroTime(*time);
  } else {
    spec.erase(key);
  }
}

}  // namespace

LeaderElectionRecord RecordFromLease(const json& lease) {
  LeaderElectionRecord record;
  const json* spec = Child(lease, "spec");
  if (spec == nullptr) return record;
  if (const json* holder = Child(*spec, kHolderIdentity);
      holder != nullptr && holder->is_string()) {
    record.holder_identity = holder->get<std::string>();
  }
  record.lease_duration_seconds = IntOf(Child(*spec, kLeaseDurationSeconds));
  record.acquire_time = TimeOf(Child(*spec, kAcquireTime));
  record.renew_time = TimeOf(Child(*spec, kRenewTime));
  record.lease_transitions = IntOf(Child(*spec, kLeaseTransitions));
  return record;
}

void ApplyRecordToLease(json& lease, const LeaderElectionRecord& record) {
  if (!lease.is_object()) lease = json::object();
  json& spec = lease["spec"];
  if (!spec.is_object()) spec = json::object();
  // An empty holder is written, not omitted, as client-go does on release.
  spec[kHolderIdentity] = record.holder_identity;
  spec[kLeaseDurationSeconds] = record.lease_duration_seconds;
  SetTime(spec, kAcquireTime, record.acquire_time);
  SetTime(spec, kRenewTime, record.renew_time);
  spec[kLeaseTransitions] = record.lease_transitions;
}

json NewLease(std::string_view ns, std::string_view name, const LeaderElectionRecord& record) {
  json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                {"kind", "Lease"},
                {"metadata", {{"name", name}, {"namespace", ns}}}};
  ApplyRecordToLease(lease, record);
  return lease;
}

std::string FormatMicroTime(Clock::WallTime time) {
  const auto micros = std::chrono::floor<std::chrono::microseconds>(time);
  const auto secs = std::chrono::floor<std::chrono::seconds>(micros);
  std::string text = FormatRfc3339(secs);  // "...:05Z": whole seconds
  char fraction[16];
  std::snprintf(fraction, sizeof(fraction), ".%06lldZ",
                static_cast<long long>((micros - secs).count()));
  text.pop_back();  // the 'Z', re-added after the fraction
  return text + fraction;
}

Clock::WallTime TruncateToMicros(Clock::WallTime time) {
  return std::chrono::time_point_cast<Clock::WallTime::duration>(
      std::chrono::floor<std::chrono::microseconds>(time));
}

}  // namespace drs::runtime
