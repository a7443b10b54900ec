#include "controller/datasync/data_sync_status.h"

#include <algorithm>
#include <tuple>

namespace drs::controller::datasync {
namespace {

using api::ConditionStatus;
using api::PvcSyncPhase;

std::string Name(const api::PvcStatus& p) { return p.ns + "/" + p.name; }

}  // namespace

void ApplyDataSyncStatus(api::ReplicationStatus& status, std::vector<api::PvcStatus> pvcs,
                         std::int64_t generation, Clock::WallTime now) {
  std::sort(pvcs.begin(), pvcs.end(), [](const api::PvcStatus& a, const api::PvcStatus& b) {
    return std::tie(a.ns, a.name) < std::tie(b.ns, b.name);
  });
  const api::PvcStatus* failed = nullptr;
  const api::PvcStatus* waiting = nullptr;
  int failures = 0;
  int without_copy = 0;
  for (const auto& p : pvcs) {
    if (p.phase == PvcSyncPhase::kFailed) {
      ++failures;
      if (failed == nullptr) failed = &p;
    } else if (p.phase != PvcSyncPhase::kSynced && !p.last_sync_time) {
      ++without_copy;
      if (waiting == nullptr) waiting = &p;
    }
  }
  api::Condition c{.type = std::string(api::kConditionDataSynced),
                   .status = ConditionStatus::kTrue,
                   .reason = "Synced",
                   .message = std::to_string(pvcs.size()) + " claims copied",
                   .observed_generation = generation};
  const std::string total = std::to_string(pvcs.size());
  if (pvcs.empty()) {
    c.reason = "NoClaims";
    c.message = "no claims to copy";
  } else if (failed != nullptr) {
    c.status = ConditionStatus::kFalse;
    c.reason = "SyncFailed";
    c.message = std::to_string(failures) + " of " + total + " claims failed; " + Name(*failed) +
                ": " + failed->message;
  } else if (waiting != nullptr) {
    c.status = ConditionStatus::kFalse;
    c.reason = "Pending";
    c.message = std::to_string(without_copy) + " of " + total + " claims have no copy yet; " +
                Name(*waiting) + ": " + waiting->message;
  }
  if (failed != nullptr && status.phase == api::ReplicationPhase::kSynced) {
    status.phase = api::ReplicationPhase::kDegraded;
    api::SetCondition(status.conditions,
                      {.type = std::string(api::kConditionReady),
                       .status = ConditionStatus::kFalse,
                       .reason = "DataSyncFailed",
                       .message = c.message,
                       .observed_generation = generation},
                      now);
    status.message = c.message;
  }
  api::SetCondition(status.conditions, std::move(c), now);
  status.pvcs = std::move(pvcs);
}

void ClearDataSyncStatus(api::ReplicationStatus& status) {
  status.pvcs.clear();
  api::RemoveCondition(status.conditions, api::kConditionDataSynced);
}

void ApplyDataSyncBlocked(api::ReplicationStatus& status, std::string reason, std::string message,
                          std::int64_t generation, Clock::WallTime now) {
  api::SetCondition(status.conditions,
                    {.type = std::string(api::kConditionDataSynced),
                     .status = ConditionStatus::kFalse,
                     .reason = std::move(reason),
                     .message = std::move(message),
                     .observed_generation = generation},
                    now);
}

}  // namespace drs::controller::datasync
