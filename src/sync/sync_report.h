#pragma once
// What one sync of a namespace did: counts by outcome, the first failures
// (kind, name, reason), the scales it remembered, and whether pruning was
// held back by the mass-delete guard. The Replication controller turns it
// into status, Events and metrics.
//
// Thread-safety: value types.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace drs::sync {

enum class Outcome { kCreated, kUpdated, kUnchanged, kDeleted, kSkipped, kFailed };
std::string_view OutcomeName(Outcome outcome);

struct ObjectFailure {
  std::string kind;
  std::string name;
  std::string reason;
};

struct RememberedScale {
  std::string kind;
  std::string name;
  std::int64_t replicas = 0;  // the source's count
};

struct SyncReport {
  static constexpr std::size_t kMaxFailures = 20;  // status stays small

  std::int64_t total = 0;  // source objects considered
  std::int64_t created = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
  std::int64_t deleted = 0;
  std::int64_t skipped = 0;
  std::int64_t failed = 0;
  std::int64_t writes = 0;              // write requests sent to the destination
  std::vector<ObjectFailure> failures;  // the first kMaxFailures
  std::vector<RememberedScale> scales;
  // Set when pruning would have deleted more than maxDeletePercent.
  std::optional<std::string> prune_blocked;

  void Count(Outcome outcome);
  void Fail(std::string kind, std::string name, std::string reason);
  // Adds `other`'s counts, writes, failures (up to the cap) and scales.
  void Merge(const SyncReport& other);
};

}  // namespace drs::sync
