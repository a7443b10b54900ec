#include "controller/datasync/claim_in_use.h"

#include "controller/datasync/json_read.h"
#include "controller/datasync/names.h"
#include "controller/datasync/source_locator.h"
#include "kube/object.h"

namespace drs::controller::datasync {
namespace {

using nlohmann::json;

bool TemplateMounts(const json& workload, std::string_view claim) {
  for (const json& v : ArrayAt(workload, {"spec", "template", "spec", "volumes"})) {
    if (StringAt(v, {"persistentVolumeClaim", "claimName"}) == claim) return true;
  }
  return false;
}

bool StatefulSetOwns(const json& sts, std::string_view claim, std::int64_t replicas) {
  const std::string name = kube::Name(sts);
  for (const json& t : ArrayAt(sts, {"spec", "volumeClaimTemplates"})) {
    const std::string prefix = StringAt(t, {"metadata", "name"}) + "-" + name + "-";
    if (!claim.starts_with(prefix)) continue;
    const std::string_view ordinal = claim.substr(prefix.size());
    if (ordinal.empty() || ordinal.size() > 9 ||
        ordinal.find_first_not_of("0123456789") != std::string_view::npos) {
      continue;
    }
    if (std::stoll(std::string(ordinal)) < replicas) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> ClaimInUse(std::string_view claim, const std::vector<json>& pods,
                                      const std::vector<json>& workloads) {
  for (const json& p : pods) {
    const std::string phase = StringAt(p, {"status", "phase"});
    if (phase == "Succeeded" || phase == "Failed" || kube::IsBeingDeleted(p)) continue;
    if (kube::Labels(p)[std::string(kComponentLabel)] == kComponentMover) continue;
    if (PodMountsClaim(p, claim)) return "Pod " + kube::Namespace(p) + "/" + kube::Name(p);
  }
  for (const json& w : workloads) {
    // An absent replicas field means 1, the API's default.
    const std::int64_t replicas = IntAt(w, {"spec", "replicas"}, 1);
    if (replicas <= 0) continue;
    const std::string kind = kube::Kind(w);
    if (TemplateMounts(w, claim) ||
        (kind == "StatefulSet" && StatefulSetOwns(w, claim, replicas))) {
      return kind + " " + kube::Namespace(w) + "/" + kube::Name(w) + " (" +
             std::to_string(replicas) + (replicas == 1 ? " replica)" : " replicas)");
    }
  }
  return std::nullopt;
}

}  // namespace drs::controller::datasync
