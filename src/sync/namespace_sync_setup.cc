#include "sync/namespace_sync_steps.h"

#include <thread>

#include "kube/object.h"
#include "sync/desired_hash.h"
#include "sync/drift.h"
#include "sync/keys.h"
#include "sync/transform.h"

namespace drs::sync {
namespace {

using nlohmann::json;

const kube::GroupVersionResource kNamespacesGvr{"", "v1", "namespaces"};
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

}  // namespace

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

}  // namespace drs::sync
