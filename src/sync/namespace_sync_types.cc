#include "sync/namespace_sync_steps.h"

#include <set>

#include "sync/sync_order.h"
#include "sync/transform.h"

namespace drs::sync {

using kubeclient::ApiResource;
using nlohmann::json;

// The resource types of this sync, in apply order, with their destination
// resource; types that cannot be synced are reported, not fatal.
Result<std::vector<TypePlan>> ResolveTypes(ClusterHandles source, ClusterHandles destination,
                                           const NamespaceSyncSpec& spec, SyncReport& report,
                                           std::stop_token stop) {
  std::set<kube::GroupResource> excluded;
  for (const auto& name : spec.exclude_resource_types) {
    auto r = source.discovery.Resolve(name, stop);
    if (r.ok()) excluded.insert({r->group, r->resource});
  }
  std::map<kube::GroupResource, ApiResource> chosen;
  for (const auto& name : spec.resource_types) {
    if (name == "*") {
      DRS_ASSIGN_OR_RETURN(auto all, source.discovery.PreferredResources(stop));
      for (auto& r : all) {
        const kube::GroupResource gr{r.group, r.resource};
        if (!r.namespaced || !r.Has("list") || !r.Has("create") || IsSystemResourceType(gr))
          continue;
        chosen.emplace(gr, std::move(r));
      }
      continue;
    }
    auto r = source.discovery.Resolve(name, stop);
    if (!r.ok()) {
      if (r.error().code() != ErrorCode::kNotFound) return std::move(r).error();
      report.Fail("resourceTypes", name, "the source cluster does not serve a type named " + name);
      continue;
    }
    if (!r->namespaced) {
      report.Fail("resourceTypes", name,
                  name + " is cluster-scoped; only namespaced types are synced");
      continue;
    }
    chosen.emplace(kube::GroupResource{r->group, r->resource}, std::move(r).value());
  }
  std::vector<kube::GroupResource> order;
  for (const auto& [gr, _] : chosen) {
    if (!excluded.count(gr)) order.push_back(gr);
  }
  SortForApply(order);
  std::vector<TypePlan> plans;
  for (const auto& gr : order) {
    const ApiResource& src = chosen.at(gr);
    auto dst = destination.discovery.ForKind(src.gvk(), stop);
    if (!dst.ok()) {
      if (dst.error().code() != ErrorCode::kNotFound) return std::move(dst).error();
      report.Fail(src.kind, "",
                  "the destination cluster does not serve " + src.gvk().ToString() +
                      " (install its CRD there, or enable syncCRDs)");
      continue;
    }
    plans.push_back({src, dst->gvr()});
  }
  return plans;
}

Result<std::vector<kube::GroupVersionResource>> SourceTypes(ClusterHandles source,
                                                            const NamespaceSyncSpec& spec,
                                                            std::stop_token stop) {
  // Resolved against the source only: the destination is not needed to know
  // what to watch.
  SyncReport ignored;
  DRS_ASSIGN_OR_RETURN(auto plans, ResolveTypes(source, source, spec, ignored, stop));
  std::vector<kube::GroupVersionResource> out;
  for (const auto& p : plans) out.push_back(p.source.gvr());
  return out;
}

}  // namespace drs::sync
