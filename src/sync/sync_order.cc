#include "sync/sync_order.h"

#include <algorithm>
#include <map>

namespace drs::sync {
namespace {

// Ranks in steps of 10 so a type can later slot in between.
const std::map<kube::GroupResource, int>& Ranks() {
  static const std::map<kube::GroupResource, int> ranks = {
      {{"apiextensions.k8s.io", "customresourcedefinitions"}, 0},
      {{"", "namespaces"}, 10},
      {{"", "resourcequotas"}, 20},
      {{"", "limitranges"}, 20},
      {{"", "serviceaccounts"}, 30},
      {{"", "secrets"}, 40},
      {{"", "configmaps"}, 40},
      {{"rbac.authorization.k8s.io", "roles"}, 50},
      {{"rbac.authorization.k8s.io", "rolebindings"}, 60},
      {{"", "persistentvolumeclaims"}, 70},
      {{"", "services"}, 80},
      {{"networking.k8s.io", "networkpolicies"}, 90},
      {{"policy", "poddisruptionbudgets"}, 90},
      // custom resources: 100 (see ApplyRank)
      {{"apps", "deployments"}, 110},
      {{"apps", "statefulsets"}, 110},
      {{"apps", "daemonsets"}, 110},
      {{"apps", "replicasets"}, 110},
      {{"batch", "jobs"}, 110},
      {{"batch", "cronjobs"}, 110},
      {{"autoscaling", "horizontalpodautoscalers"}, 120},
      {{"networking.k8s.io", "ingresses"}, 130},
  };
  return ranks;
}

constexpr int kCustomResourceRank = 100;

}  // namespace

int ApplyRank(const kube::GroupResource& type) {
  const auto it = Ranks().find(type);
  return it == Ranks().end() ? kCustomResourceRank : it->second;
}

void SortForApply(std::vector<kube::GroupResource>& types) {
  std::stable_sort(types.begin(), types.end(), [](const auto& a, const auto& b) {
    const int ra = ApplyRank(a), rb = ApplyRank(b);
    if (ra != rb) return ra < rb;
    return a < b;
  });
}

}  // namespace drs::sync
