#pragma once
// ClusterSlots: the per-cluster limit on concurrent mover Jobs, shared by
// every Replication that pulls from the same source cluster (its agents and
// nodes carry the load). Each Replication reports how many of its movers run
// and asks how many it may add; counts live in memory and are rebuilt by the
// next reconcile of each Replication after a restart (until then the limit
// may be briefly overshot, never undershot forever).
//
// Thread-safety: thread-safe.

#include <map>
#include <mutex>
#include <string>

namespace drs::controller::datasync {

class ClusterSlots {
 public:
  // `limit` <= 0 means unlimited.
  explicit ClusterSlots(int limit) : limit_(limit) {}

  // Records that `replication` runs `active` movers against `cluster` and
  // returns how many more it may start now.
  int Available(const std::string& cluster, const std::string& replication, int active);
  // Records `started` more movers for `replication` (after Available).
  void Started(const std::string& cluster, const std::string& replication, int started);
  // The Replication is gone or no longer syncs data.
  void Forget(const std::string& replication);
  int limit() const { return limit_; }

 private:
  const int limit_;
  std::mutex mu_;
  // cluster -> replication -> running movers; guarded by mu_.
  std::map<std::string, std::map<std::string, int>> active_;
};

}  // namespace drs::controller::datasync
