#pragma once
// What one data-sync step of a Replication reads, in as few LISTs as
// possible: per namespace pair, the DR copies of its claims (ours, by the
// Replication label), its mover Jobs, the DR pods (mover pods and users of
// the copies) and scalable workloads; the source claims and pods; and the
// source cluster's agent pods. Grouped per claim for the planner.
//
// Thread-safety: reentrant; the clients are thread-safe.

#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "kubeclient/dynamic_client.h"

namespace drs::controller::datasync {

struct NamespacePair {
  std::string source;
  std::string destination;
};

struct ObservedClaim {
  std::string source_ns;
  std::string destination_ns;
  std::string claim;
  std::optional<nlohmann::json> source;  // the source PVC
  std::vector<nlohmann::json> jobs;      // mover Jobs of the claim, newest (highest run) first
};

struct ObservedNamespace {
  NamespacePair pair;
  std::vector<nlohmann::json> source_pods;
  std::vector<nlohmann::json> destination_pods;
  std::vector<nlohmann::json> destination_workloads;  // with "kind" set
  std::vector<ObservedClaim> claims;                  // one per DR copy, by name
  std::vector<nlohmann::json> stray_jobs;  // ours, for claims that have no DR copy any more
};

struct World {
  std::vector<ObservedNamespace> namespaces;
  std::vector<nlohmann::json> agent_pods;
};

// `replication`: "<namespace>/<name>" (selects our copies and Jobs).
Result<World> ObserveWorld(kubeclient::DynamicClient& source,
                           kubeclient::DynamicClient& destination,
                           const std::vector<NamespacePair>& pairs, const std::string& replication,
                           std::stop_token stop);

// The pods of a Job (label job-name).
std::vector<nlohmann::json> PodsOfJob(const std::vector<nlohmann::json>& pods,
                                      const std::string& job_name);

}  // namespace drs::controller::datasync
