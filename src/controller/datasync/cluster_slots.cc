#include "controller/datasync/cluster_slots.h"

#include <algorithm>
#include <limits>

namespace drs::controller::datasync {

int ClusterSlots::Available(const std::string& cluster, const std::string& replication,
                            int active) {
  std::lock_guard lock(mu_);
  // A Replication that changed its source cluster is counted once.
  for (auto& [name, by_replication] : active_) {
    if (name != cluster) by_replication.erase(replication);
  }
  auto& counts = active_[cluster];
  counts[replication] = active;
  if (limit_ <= 0) return std::numeric_limits<int>::max();
  int total = 0;
  for (const auto& [_, n] : counts) total += n;
  return std::max(0, limit_ - total);
}

void ClusterSlots::Started(const std::string& cluster, const std::string& replication,
                           int started) {
  std::lock_guard lock(mu_);
  active_[cluster][replication] += started;
}

void ClusterSlots::Forget(const std::string& replication) {
  std::lock_guard lock(mu_);
  for (auto& [_, counts] : active_) counts.erase(replication);
}

}  // namespace drs::controller::datasync
