#include "sync/namespace_sync.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "base/logging.h"
#include "kube/object.h"
#include "sync/desired_hash.h"
#include "sync/drift.h"
#include "sync/keys.h"
#include "sync/quantity.h"
#include "sync/sync_order.h"

namespace drs::sync {
namespace {

using kubeclient::ApiResource;
using nlohmann::json;

const kube::GroupVersionResource kNamespacesGvr{"", "v1", "namespaces"};

struct TypePlan {
  ApiResource source;
  kube::GroupVersionResource destination;
};

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

// PVCs only ever grow: keep the DR copy's request when it is larger.
void KeepLargerStorageRequest(json& desired, const json& live) {
  const json* want = nullptr;
  const json* have = nullptr;
  if (auto s = desired.find("spec"); s != desired.end()) {
    auto r = s->find("resources");
    if (r != s->end() && r->contains("requests")) want = &(*r)["requests"];
  }
  if (auto s = live.find("spec"); s != live.end()) {
    auto r = s->find("resources");
    if (r != s->end() && r->contains("requests")) have = &(*r)["requests"];
  }
  if (want == nullptr || have == nullptr || !want->contains("storage") ||
      !have->contains("storage")) {
    return;
  }
  const auto w = ParseQuantity((*want)["storage"].get<std::string>());
  const auto h = ParseQuantity((*have)["storage"].get<std::string>());
  if (w && h && *h > *w) desired["spec"]["resources"]["requests"]["storage"] = (*have)["storage"];
}

std::string Name(const json& obj) { return kube::Name(obj); }

}  // namespace

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

bool IsImmutableFieldError(const Error& error) {
  if (error.code() != ErrorCode::kInvalid) return false;
  const std::string text = error.ToString();
  return text.find("immutable") != std::string::npos ||
         text.find("may not change") != std::string::npos ||
         text.find("Forbidden: updates to") != std::string::npos;
}

namespace {

// Step 2: the destination namespace.
Status EnsureNamespace(ClusterHandles source, ClusterHandles destination,
                       const NamespaceSyncSpec& spec, SyncReport& report, std::stop_token stop) {
  const auto& t = spec.transform;
  auto existing = destination.client.Get(kNamespacesGvr, "", t.destination_namespace, stop);
  if (existing.ok()) {
    if (!IsOurs(*existing)) return OkStatus();  // someone else's: use it, never modify it
    const auto labels = kube::Labels(*existing);
    auto owner = labels.find(std::string(kReplicationLabel));
    if (owner != labels.end() && owner->second != ReplicationLabelValue(t.replication)) {
      return FailedPreconditionError("destination namespace " + t.destination_namespace +
                                     " is already the target of Replication " + owner->second)
          .WithReason("NamespaceConflict");
    }
  } else if (existing.error().code() != ErrorCode::kNotFound) {
    return std::move(existing).error();
  }
  // The source namespace's labels and annotations are carried when we may
  // read it; a source identity without that right still gets a DR namespace.
  json source_ns = {
      {"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", t.source_namespace}}}};
  if (auto got = source.client.Get(kNamespacesGvr, "", t.source_namespace, stop); got.ok()) {
    source_ns = std::move(got).value();
  }
  DRS_ASSIGN_OR_RETURN(auto desired, DestinationNamespace(source_ns, t));
  if (existing.ok() && AppliedHash(*existing) == desired.hash &&
      !HasDrifted(desired.object, *existing)) {
    return OkStatus();
  }
  auto applied = destination.client.Apply(
      kNamespacesGvr, "", desired.object,
      {.field_manager = std::string(kFieldManager), .force = true}, "", stop);
  if (!applied.ok()) return std::move(applied).error();
  ++report.writes;
  return OkStatus();
}

}  // namespace

namespace {

const kube::GroupVersionResource kCrdsGvr{"apiextensions.k8s.io", "v1",
                                          "customresourcedefinitions"};
// A new CRD is usually Established within a second; past this the sync goes
// on and reports the type if the destination still does not serve it.
constexpr auto kCrdEstablishTimeout = std::chrono::seconds(15);
constexpr auto kCrdPollInterval = std::chrono::milliseconds(200);

bool Established(const json& crd) {
  for (const auto& c : crd.value("status", json::object()).value("conditions", json::array())) {
    if (c.value("type", "") == "Established" && c.value("status", "") == "True") return true;
  }
  return false;
}

// syncCRDs: the CRDs behind the custom resource types of this sync, first.
void SyncCrds(ClusterHandles source, ClusterHandles destination, const NamespaceSyncSpec& spec,
              SyncReport& report, std::stop_token stop) {
  SyncReport ignored;
  auto types = ResolveTypes(source, source, spec, ignored, stop);
  if (!types.ok()) return;
  bool applied_any = false;
  for (const auto& plan : *types) {
    if (plan.source.group.empty() || plan.source.group.find('.') == std::string::npos) continue;
    const std::string name = plan.source.resource + "." + plan.source.group;
    auto crd = source.client.Get(kCrdsGvr, "", name, stop);
    if (!crd.ok()) {
      if (crd.error().code() != ErrorCode::kNotFound) {
        report.Fail("CustomResourceDefinition", name,
                    "reading it in the source: " + crd.error().message());
      }
      continue;  // an aggregated API, not a CRD
    }
    auto desired = TransformCustomResourceDefinition(*crd, spec.transform);
    if (!desired.ok()) {
      report.Fail("CustomResourceDefinition", name, desired.error().message());
      continue;
    }
    auto live = destination.client.Get(kCrdsGvr, "", name, stop);
    if (live.ok() && !IsOurs(*live)) continue;  // installed there by someone else: leave it
    if (live.ok() && AppliedHash(*live) == desired->hash && !HasDrifted(desired->object, *live))
      continue;
    auto r = destination.client.Apply(kCrdsGvr, "", desired->object,
                                      {.field_manager = std::string(kFieldManager), .force = true},
                                      "", stop);
    ++report.writes;
    if (!r.ok()) {
      report.Fail("CustomResourceDefinition", name, r.error().message());
      continue;
    }
    applied_any = true;
    const auto deadline = std::chrono::steady_clock::now() + kCrdEstablishTimeout;
    while (std::chrono::steady_clock::now() < deadline && !stop.stop_requested()) {
      auto now_live = destination.client.Get(kCrdsGvr, "", name, stop);
      if (now_live.ok() && Established(*now_live)) break;
      std::this_thread::sleep_for(kCrdPollInterval);  // polling the server's Established condition
    }
  }
  if (applied_any) destination.discovery.Invalidate();
}

// Concurrent applies per resource type: enough to keep a 2-core API server
// busy, few enough not to trip its max-inflight limits.
constexpr std::size_t kApplyParallelism = 8;

struct ApplyJob {
  std::string name;
  json desired;
  const json* live = nullptr;  // the current DR copy, if any
};

struct ApplyResult {
  std::int64_t writes = 0;
  std::string failure;  // empty: applied
  bool cancelled = false;
};

// One server-side apply; on an immutable-field rejection, delete and apply
// again when `recreate`, else report it.
ApplyResult ApplyOne(kubeclient::DynamicClient& client, const kube::GroupVersionResource& gvr,
                     const std::string& ns, const ApplyJob& job, bool recreate,
                     std::stop_token stop) {
  ApplyResult r;
  const kubeclient::PatchOptions apply{.field_manager = std::string(kFieldManager), .force = true};
  auto applied = client.Apply(gvr, ns, job.desired, apply, "", stop);
  ++r.writes;
  if (!applied.ok() && IsImmutableFieldError(applied.error()) && job.live != nullptr) {
    if (!recreate) {
      r.failure = "an immutable field changed in the source: " + applied.error().message() +
                  " (set immutableResourceConfig to Recreate to replace the copy)";
      return r;
    }
    auto deleted = client.Delete(
        gvr, ns, job.name,
        {.propagation_policy = "Background", .precondition_uid = kube::Uid(*job.live)}, stop);
    ++r.writes;
    if (!deleted.ok() && deleted.error().code() != ErrorCode::kNotFound) {
      r.failure = "recreating: " + deleted.error().message();
      return r;
    }
    applied = client.Apply(gvr, ns, job.desired, apply, "", stop);
    ++r.writes;
  }
  if (!applied.ok()) {
    r.cancelled = applied.error().code() == ErrorCode::kCancelled;
    r.failure = applied.error().message();
  }
  return r;
}

}  // namespace

Result<SyncReport> SyncNamespace(ClusterHandles source, ClusterHandles destination,
                                 const NamespaceSyncSpec& spec, std::stop_token stop) {
  SyncReport report;
  const auto& t = spec.transform;
  DRS_RETURN_IF_ERROR(EnsureNamespace(source, destination, spec, report, stop));
  if (spec.sync_crds) SyncCrds(source, destination, spec, report, stop);
  DRS_ASSIGN_OR_RETURN(auto plans, ResolveTypes(source, destination, spec, report, stop));
  const std::string ours = ReplicationLabelValue(t.replication);

  struct PruneCandidate {
    kube::GroupVersionResource gvr;
    std::string kind, name, uid;
  };
  std::vector<PruneCandidate> prune;
  std::int64_t our_copies = 0;

  for (const auto& plan : plans) {
    if (stop.stop_requested()) return CancelledError("sync stopped");
    const auto& kind = plan.source.kind;
    auto src = source.client.ListAll(plan.source.gvr(), t.source_namespace, {}, stop);
    if (!src.ok()) {
      if (src.error().code() == ErrorCode::kPermissionDenied) {
        report.Fail(kind, "", "cannot list in the source: " + src.error().message());
        continue;
      }
      return std::move(src).error().WithContext("listing the source");
    }
    auto dst = destination.client.ListAll(plan.destination, t.destination_namespace, {}, stop);
    if (!dst.ok()) return std::move(dst).error().WithContext("listing the destination");
    // List items carry no kind/apiVersion on the wire; the desired form does,
    // so fill them in before comparing.
    std::map<std::string, json> live;
    for (auto& item : dst->items) {
      if (!item.contains("kind")) item["kind"] = kind;
      if (!item.contains("apiVersion"))
        item["apiVersion"] = plan.destination.group_version().ToString();
      live.emplace(Name(item), std::move(item));
    }

    std::set<std::string> desired_names;
    std::vector<ApplyJob> jobs;
    const std::string resource = plan.source.resource;
    for (auto& item : src->items) {
      ++report.total;
      if (!item.contains("kind")) item["kind"] = kind;
      if (!item.contains("apiVersion"))
        item["apiVersion"] = plan.source.gvk().group_version().ToString();
      const std::string name = Name(item);
      if (auto why = SkipReason(item, spec.selection, resource)) {
        report.Count(Outcome::kSkipped);
        continue;
      }
      auto desired = Transform(item, t);
      if (!desired.ok()) {
        report.Fail(kind, name, desired.error().message());
        continue;
      }
      desired_names.insert(name);
      if (desired->original_replicas)
        report.scales.push_back({kind, name, *desired->original_replicas});
      auto it = live.find(name);
      if (it != live.end() && !IsOurs(it->second)) {
        report.Fail(kind, name,
                    "an object of that name exists in " + t.destination_namespace +
                        " and was not created by dr-syncer; it is left alone");
        continue;
      }
      if (it != live.end() && resource == "persistentvolumeclaims") {
        KeepLargerStorageRequest(desired->object, it->second);
        desired->object["metadata"]["annotations"].erase(std::string(kDesiredHashAnnotation));
        desired->hash = DesiredHash(desired->object);
        desired->object["metadata"]["annotations"][std::string(kDesiredHashAnnotation)] =
            desired->hash;
      }
      if (it != live.end() && AppliedHash(it->second) == desired->hash &&
          !HasDrifted(desired->object, it->second)) {
        report.Count(Outcome::kUnchanged);
        continue;
      }
      jobs.push_back({name, std::move(desired->object), it == live.end() ? nullptr : &it->second});
    }
    // Applies are independent within a type: run them side by side so a
    // large namespace is limited by the API server, not by round trips.
    const bool recreate = [&] {
      const auto o = spec.immutable_overrides.find(resource);
      return o != spec.immutable_overrides.end() ? o->second : spec.recreate_on_immutable;
    }();
    std::vector<ApplyResult> results(jobs.size());
    {
      std::atomic<std::size_t> next{0};
      std::vector<std::jthread> workers;
      const std::size_t n = std::min<std::size_t>(kApplyParallelism, jobs.size());
      for (std::size_t w = 0; w < n; ++w) {
        workers.emplace_back([&] {
          for (std::size_t i = next++; i < jobs.size(); i = next++) {
            results[i] = ApplyOne(destination.client, plan.destination, t.destination_namespace,
                                  jobs[i], recreate, stop);
          }
        });
      }
    }
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      const auto& r = results[i];
      report.writes += r.writes;
      if (r.cancelled) return CancelledError("sync stopped");
      if (!r.failure.empty()) {
        report.Fail(kind, jobs[i].name, r.failure);
      } else {
        report.Count(jobs[i].live == nullptr ? Outcome::kCreated : Outcome::kUpdated);
      }
    }
    for (const auto& [name, obj] : live) {
      if (!IsOurs(obj) || kube::Labels(obj)[std::string(kReplicationLabel)] != ours) continue;
      ++our_copies;
      if (!desired_names.count(name))
        prune.push_back({plan.destination, kind, name, kube::Uid(obj)});
    }
  }

  if (spec.prune && !prune.empty()) {
    const std::int64_t percent =
        our_copies == 0 ? 100 : static_cast<std::int64_t>(prune.size()) * 100 / our_copies;
    if (percent > spec.max_delete_percent) {
      report.prune_blocked = "pruning would delete " + std::to_string(prune.size()) + " of " +
                             std::to_string(our_copies) + " DR copies (" + std::to_string(percent) +
                             "% > maxDeletePercent " + std::to_string(spec.max_delete_percent) +
                             "%); nothing was deleted";
    } else {
      // Reverse apply order: what acts goes first, what is referenced last.
      for (auto it = prune.rbegin(); it != prune.rend(); ++it) {
        auto r = destination.client.Delete(
            it->gvr, t.destination_namespace, it->name,
            {.propagation_policy = "Background", .precondition_uid = it->uid}, stop);
        ++report.writes;
        if (r.ok() || r.error().code() == ErrorCode::kNotFound) {
          report.Count(Outcome::kDeleted);
        } else {
          report.Fail(it->kind, it->name, "pruning: " + r.error().message());
        }
      }
    }
  }
  return report;
}

}  // namespace drs::sync
