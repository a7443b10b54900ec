#pragma once
// access.json (docs/data-sync.md): the one input that decides who may read
// what on a source cluster's agents. Built from the live keys of the
// cluster's controller ring and of every Replication that pulls from it,
// each mover key limited to its Replication's volumes.
//
// Also the per-Replication grant (MoverGrant): which volumes its movers may
// read and since when, stored beside its key ring (grant.json) so access.json
// can be rebuilt after a restart and a newly granted volume can wait until
// agents have had time to see it.
//
// Thread-safety: value types and pure functions.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/result.h"
#include "controller/datasync/key_ring.h"

namespace drs::controller::datasync {

inline constexpr int kAccessVersion = 1;
inline constexpr std::string_view kGrantDataKey = "grant.json";

struct GrantedVolume {
  std::string ns;
  std::string claim;
  std::string volume_name;
  Clock::WallTime granted;
  friend bool operator==(const GrantedVolume&, const GrantedVolume&) = default;
};

struct MoverGrant {
  std::string replication;  // "<namespace>/<name>"
  std::vector<GrantedVolume> volumes;
};

// "controller/<serial>" and "mover/<replication ns>/<name>/<serial>".
std::string ControllerKeyId(std::int64_t serial);
std::string MoverKeyId(std::string_view replication, std::int64_t serial);

// The access.json document: controller keys, then movers ordered by
// Replication, keys by serial; retiring keys carry notAfter. Dead keys
// (past notAfter) are left out. Deterministic for equal inputs.
struct MoverAccess {
  const MoverGrant* grant;
  const KeyRing* ring;
};
nlohmann::json BuildAccessDocument(const KeyRing& controller,
                                   const std::vector<MoverAccess>& movers, Clock::WallTime now);

// The grant after this round: `wanted` volumes (ns, claim, volume name)
// keep their grant time when they were granted before with the same volume
// name, else are granted `now`; volumes no longer wanted are dropped.
// Ordered by (namespace, claim).
std::vector<GrantedVolume> UpdateGrant(const std::vector<GrantedVolume>& current,
                                       std::vector<GrantedVolume> wanted, Clock::WallTime now);

nlohmann::json GrantToJson(const MoverGrant& grant);
Result<MoverGrant> GrantFromJson(const nlohmann::json& json);

}  // namespace drs::controller::datasync
