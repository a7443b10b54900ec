#include "controller/datasync/data_sync_observe.h"

#include <algorithm>

#include "controller/datasync/agent_manifests.h"
#include "controller/datasync/json_read.h"
#include "controller/datasync/mover_job.h"
#include "controller/datasync/names.h"
#include "controller/datasync/resources.h"
#include "kube/object.h"
#include "sync/keys.h"

namespace drs::controller::datasync {
namespace {

using nlohmann::json;

Result<std::vector<json>> List(kubeclient::DynamicClient& client,
                               const kube::GroupVersionResource& gvr, const std::string& ns,
                               const std::string& selector, std::string_view kind,
                               std::stop_token stop) {
  auto listed = client.ListAll(gvr, ns, {.label_selector = selector}, stop);
  if (!listed.ok()) return std::move(listed).error();
  if (!kind.empty()) {
    for (json& item : listed->items) item["kind"] = kind;
  }
  return std::move(listed->items);
}

std::int64_t RunOf(const json& job) {
  const std::string run = kube::Labels(job)[std::string(kRunLabel)];
  return run.empty() || run.size() > 18 || run.find_first_not_of("0123456789") != std::string::npos
             ? 0
             : std::stoll(run);
}

Result<ObservedNamespace> ObserveNamespace(kubeclient::DynamicClient& source,
                                           kubeclient::DynamicClient& destination,
                                           const NamespacePair& pair,
                                           const std::string& replication, std::stop_token stop) {
  ObservedNamespace out{.pair = pair};
  const std::string ours = std::string(sync::kReplicationLabel) + "=" + LabelValue(replication);
  DRS_ASSIGN_OR_RETURN(auto copies,
                       List(destination, kClaimsResource, pair.destination, ours, "", stop));
  DRS_ASSIGN_OR_RETURN(auto jobs, List(destination, kJobsResource, pair.destination,
                                       MoverSelector(replication), "", stop));
  DRS_ASSIGN_OR_RETURN(out.destination_pods,
                       List(destination, kPodsResource, pair.destination, "", "", stop));
  DRS_ASSIGN_OR_RETURN(auto deployments, List(destination, kDeploymentsResource, pair.destination,
                                              "", "Deployment", stop));
  DRS_ASSIGN_OR_RETURN(auto statefulsets, List(destination, kStatefulSetsResource, pair.destination,
                                               "", "StatefulSet", stop));
  out.destination_workloads = std::move(deployments);
  out.destination_workloads.insert(out.destination_workloads.end(), statefulsets.begin(),
                                   statefulsets.end());
  DRS_ASSIGN_OR_RETURN(auto source_claims,
                       List(source, kClaimsResource, pair.source, "", "", stop));
  DRS_ASSIGN_OR_RETURN(out.source_pods, List(source, kPodsResource, pair.source, "", "", stop));

  std::map<std::string, json> by_name;
  for (json& c : source_claims) by_name.emplace(kube::Name(c), std::move(c));
  std::sort(jobs.begin(), jobs.end(),
            [](const json& a, const json& b) { return RunOf(a) > RunOf(b); });
  for (const json& copy : copies) {
    if (kube::IsBeingDeleted(copy)) continue;
    ObservedClaim claim{
        .source_ns = pair.source, .destination_ns = pair.destination, .claim = kube::Name(copy)};
    if (auto it = by_name.find(claim.claim); it != by_name.end()) claim.source = it->second;
    out.claims.push_back(std::move(claim));
  }
  std::sort(out.claims.begin(), out.claims.end(),
            [](const ObservedClaim& a, const ObservedClaim& b) { return a.claim < b.claim; });
  for (json& job : jobs) {
    const std::string claim = kube::Annotations(job)[std::string(kClaimAnnotation)];
    auto it = std::find_if(out.claims.begin(), out.claims.end(),
                           [&](const ObservedClaim& c) { return c.claim == claim; });
    if (it == out.claims.end()) {
      out.stray_jobs.push_back(std::move(job));
    } else {
      it->jobs.push_back(std::move(job));
    }
  }
  return out;
}

}  // namespace

Result<World> ObserveWorld(kubeclient::DynamicClient& source,
                           kubeclient::DynamicClient& destination,
                           const std::vector<NamespacePair>& pairs, const std::string& replication,
                           std::stop_token stop) {
  World world;
  DRS_ASSIGN_OR_RETURN(world.agent_pods, List(source, kPodsResource, std::string(kAgentNamespace),
                                              AgentPodSelector(), "", stop));
  for (const NamespacePair& pair : pairs) {
    auto observed = ObserveNamespace(source, destination, pair, replication, stop);
    if (!observed.ok()) {
      return std::move(observed).error().WithContext("observing the data sync of " + pair.source +
                                                     " -> " + pair.destination);
    }
    world.namespaces.push_back(std::move(observed).value());
  }
  return world;
}

std::vector<json> PodsOfJob(const std::vector<json>& pods, const std::string& job_name) {
  std::vector<json> out;
  for (const json& p : pods) {
    if (kube::Labels(p)["job-name"] == job_name) out.push_back(p);
  }
  return out;
}

}  // namespace drs::controller::datasync
