#include <map>

#include "kube/object.h"
#include "sync/namespace_sync.h"
#include "sync/namespace_sync_steps.h"

namespace drs::sync {
namespace {

using nlohmann::json;

// The source's type and its destination resource, for the changed types.
Result<std::map<kube::GroupResource, TypePlan>> PlansFor(ClusterHandles source,
                                                         ClusterHandles destination,
                                                         const std::vector<ChangedObject>& changed,
                                                         std::stop_token stop) {
  DRS_ASSIGN_OR_RETURN(auto all, source.discovery.PreferredResources(stop));
  std::map<kube::GroupResource, TypePlan> plans;
  for (const auto& c : changed) {
    const kube::GroupResource gr{c.gvr.group, c.gvr.resource};
    if (plans.count(gr)) continue;
    for (const auto& r : all) {
      if (r.group != gr.group || r.resource != gr.resource) continue;
      DRS_ASSIGN_OR_RETURN(auto dst, destination.discovery.ForKind(r.gvk(), stop));
      plans.emplace(gr, TypePlan{r, dst.gvr()});
      break;
    }
  }
  return plans;
}

}  // namespace

Result<TargetedSyncResult> SyncObjects(ClusterHandles source, ClusterHandles destination,
                                       const NamespaceSyncSpec& spec,
                                       const std::vector<ChangedObject>& changed,
                                       std::stop_token stop) {
  TargetedSyncResult out;
  auto& report = out.report;
  const auto& t = spec.transform;
  auto plans = PlansFor(source, destination, changed, stop);
  if (!plans.ok()) {
    out.needs_full_sync = "resolving the changed types: " + plans.error().message();
    return out;
  }
  // Read every changed object and its DR copy first, then apply per type.
  std::map<kube::GroupResource, std::vector<ApplyJob>> jobs;
  std::map<kube::GroupResource, std::vector<SyncMemo::Entry>> entries;
  std::vector<std::unique_ptr<json>> lives;  // stable addresses for ApplyJob::live
  for (const auto& c : changed) {
    if (stop.stop_requested()) return CancelledError("sync stopped");
    if (!c.ns.empty() && c.ns != t.source_namespace) {
      return InvalidError("changed object " + c.ns + "/" + c.name + " is not in " +
                          t.source_namespace);
    }
    const kube::GroupResource gr{c.gvr.group, c.gvr.resource};
    const auto plan = plans->find(gr);
    if (plan == plans->end()) {
      out.needs_full_sync = "the source no longer serves " + c.gvr.resource;
      return out;
    }
    const auto& kind = plan->second.source.kind;
    auto item = source.client.Get(plan->second.source.gvr(), t.source_namespace, c.name, stop);
    if (!item.ok()) {
      if (item.error().code() == ErrorCode::kNotFound) {
        out.needs_full_sync = kind + " " + c.name + " was deleted in the source";
        return out;
      }
      return std::move(item).error().WithContext("reading the source");
    }
    ++report.total;
    auto live =
        destination.client.Get(plan->second.destination, t.destination_namespace, c.name, stop);
    if (!live.ok() && live.error().code() != ErrorCode::kNotFound) {
      return std::move(live).error().WithContext("reading the destination");
    }
    const json* live_copy = nullptr;
    if (live.ok()) {
      lives.push_back(std::make_unique<json>(std::move(live).value()));
      live_copy = lives.back().get();
    }
    auto d = DecideObject(*item, live_copy, spec, plan->second.source.resource);
    const std::string& resource = plan->second.destination.resource;
    switch (d.action) {
      case ObjectDecision::Action::kSkip:
        report.Count(Outcome::kSkipped);
        // Newly ignored: a full cycle prunes its copy (with the guard).
        if (live_copy != nullptr && spec.prune) {
          out.needs_full_sync = kind + " " + c.name + " is no longer selected";
          return out;
        }
        continue;
      case ObjectDecision::Action::kFail:
        report.Fail(kind, c.name, d.failure);
        continue;
      default:
        break;
    }
    if (d.original_replicas) report.scales.push_back({kind, c.name, *d.original_replicas});
    SyncMemo::Entry entry{.source_version = kube::ResourceVersion(*item),
                          .hash = d.hash,
                          .kind = kind,
                          .original_replicas = d.original_replicas};
    if (d.action == ObjectDecision::Action::kUnchanged) {
      report.Count(Outcome::kUnchanged);
      entry.destination_version = kube::ResourceVersion(*live_copy);
      if (spec.memo != nullptr) spec.memo->Put(resource, c.name, std::move(entry));
      continue;
    }
    jobs[gr].push_back({c.name, std::move(d.desired), live_copy});
    entries[gr].push_back(std::move(entry));
  }
  for (auto& [gr, type_jobs] : jobs) {
    const auto& plan = plans->at(gr);
    const auto results = ApplyAll(destination.client, plan.destination, t.destination_namespace,
                                  type_jobs, RecreateOnImmutable(spec, plan.source.resource), stop);
    for (std::size_t i = 0; i < type_jobs.size(); ++i) {
      const auto& r = results[i];
      report.writes += r.writes;
      if (r.cancelled) return CancelledError("sync stopped");
      if (!r.failure.empty()) {
        report.Fail(plan.source.kind, type_jobs[i].name, r.failure);
        continue;
      }
      report.Count(type_jobs[i].live == nullptr ? Outcome::kCreated : Outcome::kUpdated);
      auto& entry = entries[gr][i];
      entry.destination_version = r.resource_version;
      if (spec.memo != nullptr)
        spec.memo->Put(plan.destination.resource, type_jobs[i].name, std::move(entry));
    }
  }
  return out;
}

}  // namespace drs::sync
