#include "sync_clients.h"

#include <chrono>
#include <filesystem>
#include <random>

namespace drs::bench {
namespace {

using nlohmann::json;

double CpuNow() { return CpuSeconds(CpuOf::kSelf) + CpuSeconds(CpuOf::kChildren); }

}  // namespace

std::string UniqueName(const std::string& prefix) {
  static std::mt19937 gen(std::random_device{}());
  constexpr unsigned kSuffixRange = 1'000'000;
  return prefix + "-" + std::to_string(gen() % kSuffixRange);
}

sync::NamespaceSyncSpec SpecFor(const std::string& src_ns, const std::string& dst_ns) {
  sync::NamespaceSyncSpec spec;  // resource types "*", no prune: a Replication's defaults
  spec.transform.source_namespace = src_ns;
  spec.transform.destination_namespace = dst_ns;
  spec.transform.replication = "bench/" + src_ns;
  return spec;
}

Result<std::vector<TypedObject>> DesiredObjects(SyncEnv& env, const std::string& src_ns) {
  const auto options = SpecFor(src_ns, "placeholder").transform;
  std::vector<TypedObject> out;
  for (const auto& gvr : {kConfigMaps, kSecrets, kServices, kDeployments}) {
    DRS_ASSIGN_OR_RETURN(auto list, env.src.dynamic->ListAll(gvr, src_ns));
    for (auto& item : list.items) {
      item["apiVersion"] = gvr.group.empty() ? gvr.version : gvr.group + "/" + gvr.version;
      item["kind"] = list.kind.substr(0, list.kind.size() - 4);  // "ConfigMapList"
      if (sync::SkipReason(item, {}, gvr.resource)) continue;    // kube-root-ca.crt
      DRS_ASSIGN_OR_RETURN(auto desired, sync::Transform(item, options));
      out.push_back({gvr, std::move(desired.object)});
    }
  }
  return out;
}

Result<Timing> RunBaseline(SyncEnv& env, const std::string& id, std::vector<TypedObject>& objects) {
  DRS_ASSIGN_OR_RETURN(const std::string ns, CreateFreshNamespace(*env.dr.dynamic, "base"));
  for (auto& o : objects) o.object["metadata"]["namespace"] = ns;
  if (id.starts_with("apply-")) {
    const int workers = std::stoi(id.substr(id.find('-') + 1));
    const kubeclient::PatchOptions apply{.field_manager = std::string(sync::kFieldManager),
                                         .force = true};
    const double cpu = CpuNow();
    const auto start = std::chrono::steady_clock::now();
    DRS_RETURN_IF_ERROR(RunParallel(objects.size(), workers, [&](std::size_t i) -> Status {
      return ToStatus(env.dr.dynamic->Apply(objects[i].gvr, ns, objects[i].object, apply));
    }));
    return Timing{.wall_s = Since(start).count(), .cpu_s = CpuNow() - cpu};
  }
  if (id != "curl-apply" && id != "curl-create") return InvalidError("unknown baseline " + id);
  const bool apply = id == "curl-apply";
  CurlBatch batch(std::filesystem::temp_directory_path() / UniqueName("drs-sync-bench"),
                  env.identity);
  for (const auto& o : objects) {
    const std::string name = apply ? o.object["metadata"].value("name", "") : "";
    DRS_ASSIGN_OR_RETURN(const std::string path, kube::ResourcePath(o.gvr, ns, name));
    if (apply) {
      batch.Add("PATCH", env.dr_bed.server + path + "?fieldManager=dr-syncer&force=true",
                "application/apply-patch+yaml", o.object);
    } else {
      batch.Add("POST", env.dr_bed.server + path, "application/json", o.object);
    }
  }
  const double cpu = CpuNow();
  DRS_ASSIGN_OR_RETURN(const double wall, batch.Run(env.curl, env.parallel));
  return Timing{.wall_s = wall, .cpu_s = CpuNow() - cpu};
}

Result<sync::SyncReport> RunEngine(SyncEnv& env, const std::string& src_ns,
                                   const std::string& dst_ns, sync::SyncMemo* memo) {
  auto spec = SpecFor(src_ns, dst_ns);
  spec.memo = memo;
  return sync::SyncNamespace({*env.src.dynamic, *env.src_discovery},
                             {*env.dr.dynamic, *env.dr_discovery}, spec);
}

Result<Cycle> NoChangeCycle(SyncEnv& env, const std::string& src_ns, const std::string& dst_ns,
                            sync::SyncMemo* memo) {
  const auto from = AuditLogSize(env.dr_bed.audit_log);
  const double cpu = CpuSeconds(CpuOf::kSelf);
  const auto start = std::chrono::steady_clock::now();
  DRS_ASSIGN_OR_RETURN(auto report, RunEngine(env, src_ns, dst_ns, memo));
  Cycle c{.seconds = Since(start).count(),
          .cpu_s = CpuSeconds(CpuOf::kSelf) - cpu,
          .writes = report.writes};
  DRS_ASSIGN_OR_RETURN(c.audit, CountAuditRequests(env.dr_bed.audit_log, from, env.dr_user));
  return c;
}

}  // namespace drs::bench
