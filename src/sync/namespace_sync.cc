#include "sync/namespace_sync.h"

#include <future>
#include <optional>
#include <set>

#include "kube/object.h"
#include "sync/desired_hash.h"
#include "sync/keys.h"
#include "sync/namespace_sync_steps.h"
#include "sync/transform.h"

namespace drs::sync {
namespace {

using nlohmann::json;

struct PruneCandidate {
  kube::GroupVersionResource gvr;
  std::string kind, name, uid;
};

// Step 4: our copies whose source is gone or ignored, behind the guard.
void Prune(ClusterHandles destination, const NamespaceSyncSpec& spec,
           const std::vector<PruneCandidate>& prune, std::int64_t our_copies, SyncReport& report,
           std::stop_token stop) {
  const std::int64_t percent =
      our_copies == 0 ? 100 : static_cast<std::int64_t>(prune.size()) * 100 / our_copies;
  if (percent > spec.max_delete_percent) {
    report.prune_blocked = "pruning would delete " + std::to_string(prune.size()) + " of " +
                           std::to_string(our_copies) + " DR copies (" + std::to_string(percent) +
                           "% > maxDeletePercent " + std::to_string(spec.max_delete_percent) +
                           "%); nothing was deleted";
    return;
  }
  // Reverse apply order: what acts goes first, what is referenced last.
  for (auto it = prune.rbegin(); it != prune.rend(); ++it) {
    auto r = destination.client.Delete(
        it->gvr, spec.transform.destination_namespace, it->name,
        {.propagation_policy = "Background", .precondition_uid = it->uid}, stop);
    ++report.writes;
    if (r.ok() || r.error().code() == ErrorCode::kNotFound) {
      report.Count(Outcome::kDeleted);
      if (spec.memo != nullptr) spec.memo->Erase(it->gvr.resource, it->name);
    } else {
      report.Fail(it->kind, it->name, "pruning: " + r.error().message());
    }
  }
}

}  // namespace

bool IsImmutableFieldError(const Error& error) {
  if (error.code() != ErrorCode::kInvalid) return false;
  const std::string text = error.ToString();
  return text.find("immutable") != std::string::npos ||
         text.find("may not change") != std::string::npos ||
         text.find("Forbidden: updates to") != std::string::npos;
}

namespace {

// Step 3 for one type. The DR side is listed whole (every name must be
// looked up); the source is read page by page and each page applied before
// the next is parsed, so memory holds one page of the source, not the type.
Status SyncType(ClusterHandles source, ClusterHandles destination, const NamespaceSyncSpec& spec,
                const TypePlan& plan, SyncReport& report, std::vector<PruneCandidate>& prune,
                std::int64_t& our_copies, std::stop_token stop) {
  const auto& t = spec.transform;
  const auto& kind = plan.source.kind;
  const std::string& resource = plan.destination.resource;
  // Neither side's managedFields is ever read: leave them out of the parse.
  const kubeclient::ListOptions list_options{.drop_managed_fields = true};
  // Both sides are listed at once: each LIST is mostly the server's encoding
  // and our parsing, which overlap on two cores.
  auto dst_future = std::async(std::launch::async, [&] {
    return destination.client.ListAll(plan.destination, t.destination_namespace, list_options,
                                      stop);
  });
  std::optional<Result<kubeclient::ObjectList>> dst;
  std::map<std::string, json> live;
  // List items carry no kind/apiVersion on the wire; the desired form does,
  // so fill them in before comparing.
  const std::string dst_api_version = plan.destination.group_version().ToString();
  const std::string src_api_version = plan.source.gvk().group_version().ToString();
  const auto wait_for_destination = [&]() -> Status {
    if (dst) return OkStatus();
    dst = dst_future.get();
    if (!dst->ok()) return dst->error();
    for (auto& item : (*dst)->items) {
      FillTypeMeta(item, kind, dst_api_version);
      live.emplace(kube::Name(item), std::move(item));
    }
    (*dst)->items.clear();
    return OkStatus();
  };

  SyncReport type_report;  // this type's outcomes; started afresh if the list restarts
  std::set<std::string> desired_names;
  std::map<std::string, SyncMemo::Entry> verified;  // this cycle's memo of the type
  Status dst_status = OkStatus();
  const auto on_page = [&](kubeclient::ObjectList&& page, bool restarted) -> Status {
    if (auto st = wait_for_destination(); !st.ok()) {
      dst_status = st;
      return st;
    }
    if (restarted) {
      const std::int64_t writes = type_report.writes;
      type_report = SyncReport{};
      type_report.writes = writes;
      desired_names.clear();
      verified.clear();
    }
    std::vector<ApplyJob> jobs;
    std::vector<SyncMemo::Entry> job_entries;
    for (auto& item : page.items) {
      ++type_report.total;
      FillTypeMeta(item, kind, src_api_version);
      const std::string name = kube::Name(item);
      auto it = live.find(name);
      const json* live_copy = it == live.end() ? nullptr : &it->second;
      if (spec.memo != nullptr && live_copy != nullptr) {
        if (auto known = spec.memo->Verified(resource, name, kube::ResourceVersion(item),
                                             kube::ResourceVersion(*live_copy))) {
          desired_names.insert(name);
          if (known->original_replicas)
            type_report.scales.push_back({kind, name, *known->original_replicas});
          type_report.Count(Outcome::kUnchanged);
          verified.emplace(name, std::move(*known));
          continue;
        }
      }
      auto d = DecideObject(item, live_copy, spec, plan.source.resource);
      switch (d.action) {
        case ObjectDecision::Action::kSkip:
          type_report.Count(Outcome::kSkipped);
          continue;
        case ObjectDecision::Action::kFail:
          // Still a wanted name: a failing object's copy is not pruned.
          if (live_copy != nullptr) desired_names.insert(name);
          type_report.Fail(kind, name, d.failure);
          continue;
        default:
          break;
      }
      desired_names.insert(name);
      if (d.original_replicas) type_report.scales.push_back({kind, name, *d.original_replicas});
      SyncMemo::Entry entry{.source_version = kube::ResourceVersion(item),
                            .hash = d.hash,
                            .kind = kind,
                            .original_replicas = d.original_replicas};
      if (d.action == ObjectDecision::Action::kUnchanged) {
        type_report.Count(Outcome::kUnchanged);
        entry.destination_version = kube::ResourceVersion(*live_copy);
        verified.emplace(name, std::move(entry));
        continue;
      }
      jobs.push_back({name, std::move(d.desired), live_copy});
      job_entries.push_back(std::move(entry));
    }
    page.items.clear();  // the page's source objects are done with
    const auto results = ApplyAll(destination.client, plan.destination, t.destination_namespace,
                                  jobs, RecreateOnImmutable(spec, plan.source.resource), stop);
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      const auto& r = results[i];
      type_report.writes += r.writes;
      if (r.cancelled) return CancelledError("sync stopped");
      if (!r.failure.empty()) {
        type_report.Fail(kind, jobs[i].name, r.failure);
        continue;
      }
      type_report.Count(jobs[i].live == nullptr ? Outcome::kCreated : Outcome::kUpdated);
      job_entries[i].destination_version = r.resource_version;
      verified.emplace(jobs[i].name, std::move(job_entries[i]));
    }
    return OkStatus();
  };
  auto listed =
      source.client.ListPages(plan.source.gvr(), t.source_namespace, list_options, on_page, stop);
  if (!listed.ok() && !dst_status.ok()) {
    return std::move(dst_status).error().WithContext("listing the destination");
  }
  if (!listed.ok()) {
    if (dst_future.valid()) dst_future.wait();  // it borrows our references
    if (listed.error().code() == ErrorCode::kCancelled) return std::move(listed).error();
    if (listed.error().code() == ErrorCode::kPermissionDenied) {
      report.Fail(kind, "", "cannot list in the source: " + listed.error().message());
      return OkStatus();
    }
    return std::move(listed).error().WithContext("listing the source");
  }
  // An empty source still needs the destination's picture for pruning.
  if (auto st = wait_for_destination(); !st.ok()) {
    return std::move(st).error().WithContext("listing the destination");
  }
  report.Merge(type_report);
  if (spec.memo != nullptr) spec.memo->Retain(resource, verified);
  const std::string ours = ReplicationLabelValue(t.replication);
  for (const auto& [name, obj] : live) {
    if (!IsOurs(obj) || kube::Labels(obj)[std::string(kReplicationLabel)] != ours) continue;
    ++our_copies;
    if (!desired_names.count(name)) prune.push_back({plan.destination, kind, name, kube::Uid(obj)});
  }
  return OkStatus();
}

}  // namespace

Result<SyncReport> SyncNamespace(ClusterHandles source, ClusterHandles destination,
                                 const NamespaceSyncSpec& spec, std::stop_token stop) {
  SyncReport report;
  DRS_RETURN_IF_ERROR(EnsureNamespace(source, destination, spec, report, stop));
  if (spec.sync_crds) SyncCrds(source, destination, spec, report, stop);
  DRS_ASSIGN_OR_RETURN(auto plans, ResolveTypes(source, destination, spec, report, stop));

  std::vector<PruneCandidate> prune;
  std::int64_t our_copies = 0;

  for (const auto& plan : plans) {
    if (stop.stop_requested()) return CancelledError("sync stopped");
    DRS_RETURN_IF_ERROR(SyncType(source, destination, spec, plan, report, prune, our_copies, stop));
  }

  if (spec.prune && !prune.empty()) Prune(destination, spec, prune, our_copies, report, stop);
  return report;
}

}  // namespace drs::sync
