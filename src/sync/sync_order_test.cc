#include "sync/sync_order.h"

#include <gtest/gtest.h>

namespace drs::sync {
namespace {

TEST(SyncOrderTest, ReferencedThingsComeFirstActorsLast) {
  std::vector<kube::GroupResource> types = {{"networking.k8s.io", "ingresses"},
                                            {"apps", "deployments"},
                                            {"example.com", "widgets"},
                                            {"", "services"},
                                            {"", "configmaps"},
                                            {"", "serviceaccounts"},
                                            {"", "persistentvolumeclaims"},
                                            {"apps", "statefulsets"},
                                            {"", "secrets"},
                                            {"autoscaling", "horizontalpodautoscalers"},
                                            {"rbac.authorization.k8s.io", "rolebindings"},
                                            {"rbac.authorization.k8s.io", "roles"}};
  SortForApply(types);
  std::vector<std::string> order;
  for (const auto& t : types) order.push_back(t.ToString());
  const std::vector<std::string> want = {"serviceaccounts",
                                         "configmaps",
                                         "secrets",
                                         "roles.rbac.authorization.k8s.io",
                                         "rolebindings.rbac.authorization.k8s.io",
                                         "persistentvolumeclaims",
                                         "services",
                                         "widgets.example.com",
                                         "deployments.apps",
                                         "statefulsets.apps",
                                         "horizontalpodautoscalers.autoscaling",
                                         "ingresses.networking.k8s.io"};
  EXPECT_EQ(order, want);
}

TEST(SyncOrderTest, CrdsBeforeEverything) {
  EXPECT_LT(ApplyRank({"apiextensions.k8s.io", "customresourcedefinitions"}),
            ApplyRank({"", "namespaces"}));
  EXPECT_EQ(ApplyRank({"stable.example.com", "crontabs"}), ApplyRank({"a.b", "c"}));
}

}  // namespace
}  // namespace drs::sync
