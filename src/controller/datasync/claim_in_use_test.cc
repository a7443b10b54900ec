#include "controller/datasync/claim_in_use.h"

#include <gtest/gtest.h>

namespace drs::controller::datasync {
namespace {

using nlohmann::json;

json Volumes(const std::string& claim) {
  return {{{"name", "v"}, {"persistentVolumeClaim", {{"claimName", claim}}}}};
}

json Pod(const std::string& name, const std::string& claim, const std::string& phase,
         const std::string& component = "") {
  json p = {{"metadata", {{"name", name}, {"namespace", "shop-dr"}}},
            {"spec", {{"volumes", Volumes(claim)}}},
            {"status", {{"phase", phase}}}};
  if (!component.empty()) p["metadata"]["labels"]["app.kubernetes.io/component"] = component;
  return p;
}

json Workload(const std::string& kind, const std::string& name, const json& replicas,
              const std::string& claim) {
  json w = {{"kind", kind},
            {"metadata", {{"name", name}, {"namespace", "shop-dr"}}},
            {"spec", {{"template", {{"spec", {{"volumes", Volumes(claim)}}}}}}}};
  if (!replicas.is_null()) w["spec"]["replicas"] = replicas;
  return w;
}

json StatefulSet(const std::string& name, int replicas) {
  return {
      {"kind", "StatefulSet"},
      {"metadata", {{"name", name}, {"namespace", "shop-dr"}}},
      {"spec",
       {{"replicas", replicas}, {"volumeClaimTemplates", {{{"metadata", {{"name", "data"}}}}}}}}};
}

TEST(ClaimInUseTest, Table) {
  const struct {
    const char* name;
    std::vector<json> pods;
    std::vector<json> workloads;
    std::string claim;
    std::optional<std::string> want;
  } cases[] = {
      {"dormant copies: not in use",
       {},
       {Workload("Deployment", "web", 0, "data"), StatefulSet("db", 0)},
       "data-db-0",
       std::nullopt},
      {"a running pod", {Pod("web-1", "data", "Running")}, {}, "data", "Pod shop-dr/web-1"},
      {"a pending pod counts too",
       {Pod("web-1", "data", "Pending")},
       {},
       "data",
       "Pod shop-dr/web-1"},
      {"finished pods and our movers do not",
       {Pod("old", "data", "Succeeded"), Pod("mover", "data", "Running", "mover")},
       {},
       "data",
       std::nullopt},
      {"a scaled-up Deployment before its pods exist",
       {},
       {Workload("Deployment", "web", 2, "data")},
       "data",
       "Deployment shop-dr/web (2 replicas)"},
      {"replicas absent means 1",
       {},
       {Workload("ReplicaSet", "web-x", json(), "data")},
       "data",
       "ReplicaSet shop-dr/web-x (1 replica)"},
      {"a StatefulSet ordinal below replicas",
       {},
       {StatefulSet("db", 2)},
       "data-db-1",
       "StatefulSet shop-dr/db (2 replicas)"},
      {"a StatefulSet ordinal at replicas is not mounted",
       {},
       {StatefulSet("db", 2)},
       "data-db-2",
       std::nullopt},
      {"another claim",
       {Pod("web-1", "logs", "Running")},
       {Workload("Deployment", "w", 1, "logs")},
       "data",
       std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ClaimInUse(c.claim, c.pods, c.workloads), c.want) << c.name;
  }
}

}  // namespace
}  // namespace drs::controller::datasync
