#include "sync/sync_report.h"

namespace drs::sync {

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kCreated:
      return "created";
    case Outcome::kUpdated:
      return "updated";
    case Outcome::kUnchanged:
      return "unchanged";
    case Outcome::kDeleted:
      return "deleted";
    case Outcome::kSkipped:
      return "skipped";
    case Outcome::kFailed:
      return "failed";
  }
  return "unknown";
}

void SyncReport::Count(Outcome outcome) {
  switch (outcome) {
    case Outcome::kCreated:
      ++created;
      break;
    case Outcome::kUpdated:
      ++updated;
      break;
    case Outcome::kUnchanged:
      ++unchanged;
      break;
    case Outcome::kDeleted:
      ++deleted;
      break;
    case Outcome::kSkipped:
      ++skipped;
      break;
    case Outcome::kFailed:
      ++failed;
      break;
  }
}

void SyncReport::Fail(std::string kind, std::string name, std::string reason) {
  ++failed;
  if (failures.size() < kMaxFailures) {
    failures.push_back({std::move(kind), std::move(name), std::move(reason)});
  }
}

void SyncReport::Merge(const SyncReport& other) {
  total += other.total;
  created += other.created;
  updated += other.updated;
  unchanged += other.unchanged;
  deleted += other.deleted;
  skipped += other.skipped;
  failed += other.failed;
  writes += other.writes;
  for (const auto& f : other.failures) {
    if (failures.size() >= kMaxFailures) break;
    failures.push_back(f);
  }
  scales.insert(scales.end(), other.scales.begin(), other.scales.end());
  if (other.prune_blocked) prune_blocked = other.prune_blocked;
}

}  // namespace drs::sync
