#include "sync/rewrite_namespace.h"

#include <gtest/gtest.h>

namespace drs::sync {
namespace {

using nlohmann::json;

TEST(RewriteNamespaceTest, ServiceHosts) {
  const struct {
    std::string_view text;
    std::string_view want;
  } cases[] = {
      {"db.shop.svc", "db.shop-dr.svc"},
      {"db.shop.svc.cluster.local", "db.shop-dr.svc.cluster.local"},
      {"db.shop.svc.cluster.local.", "db.shop-dr.svc.cluster.local."},
      {"db.shop.svc:5432", "db.shop-dr.svc:5432"},
      {"postgres://app:pw@db.shop.svc.cluster.local:5432/app?sslmode=require",
       "postgres://app:pw@db.shop-dr.svc.cluster.local:5432/app?sslmode=require"},
      {"http://api.shop.svc/v1 and http://web.shop.svc:80",
       "http://api.shop-dr.svc/v1 and http://web.shop-dr.svc:80"},
      {"a.shop.svc,b.shop.svc", "a.shop-dr.svc,b.shop-dr.svc"},
      {"_grpc._tcp.api.shop.svc.cluster.local", "_grpc._tcp.api.shop-dr.svc.cluster.local"},
      {"redis-0.redis.shop.svc.cluster.local", "redis-0.redis.shop-dr.svc.cluster.local"},
      {"host: \"db.shop.svc\"\n", "host: \"db.shop-dr.svc\"\n"},
      // Whole labels only.
      {"foo.shopping.svc", "foo.shopping.svc"},
      {"foo.myshop.svc", "foo.myshop.svc"},
      {"foo.shop.svcx", "foo.shop.svcx"},
      {"foo.shop.svc-1", "foo.shop.svc-1"},
      {"foo.shop.service", "foo.shop.service"},
      // A name is needed before the namespace.
      {"shop.svc", "shop.svc"},
      {".shop.svc", ".shop.svc"},
      {"x/.shop.svc", "x/.shop.svc"},
      // The short form and other mentions of the namespace are left alone.
      {"http://db.shop:5432", "http://db.shop:5432"},
      {"shop", "shop"},
      {"namespace=shop", "namespace=shop"},
      {"DB.SHOP.SVC", "DB.SHOP.SVC"},
      {"", ""},
      // Overlapping candidates: both rewritten.
      {"a.shop.svc.shop.svc", "a.shop-dr.svc.shop-dr.svc"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(RewriteServiceHosts(c.text, "shop", "shop-dr"), c.want) << c.text;
  }
}

TEST(RewriteNamespaceTest, ShorterDestinationAndDottedNames) {
  EXPECT_EQ(RewriteServiceHosts("db.shop-production.svc:1", "shop-production", "sp"),
            "db.sp.svc:1");
  // The source namespace being a suffix of another label must not match.
  EXPECT_EQ(RewriteServiceHosts("db.prod-shop.svc", "shop", "x"), "db.prod-shop.svc");
}

TEST(RewriteNamespaceTest, ConfigMapDataOnly) {
  json cm = json::parse(R"({
    "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
    "data": {"url": "http://api.shop.svc:8080", "n": "shop", "nested.yaml": "upstream: db.shop.svc\n"},
    "binaryData": {"blob": "ZGIuc2hvcC5zdmM="}
  })");
  RewriteNamespaceReferences(cm, "shop", "shop-dr");
  EXPECT_EQ(cm["data"], json::parse(R"({"url": "http://api.shop-dr.svc:8080", "n": "shop",
                                        "nested.yaml": "upstream: db.shop-dr.svc\n"})"));
  EXPECT_EQ(cm["binaryData"]["blob"], "ZGIuc2hvcC5zdmM=");
}

TEST(RewriteNamespaceTest, PodTemplatesOfEveryWorkloadKind) {
  const json containers = json::parse(R"({
    "initContainers": [{"name": "wait", "command": ["sh", "-c", "until nc -z db.shop.svc 5432; do sleep 1; done"]}],
    "containers": [{"name": "app", "args": ["--upstream=http://api.shop.svc"],
                    "env": [{"name": "A", "value": "db.shop.svc.cluster.local"},
                            {"name": "B", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
                            {"name": "C"}]}]
  })");
  const json want = json::parse(R"({
    "initContainers": [{"name": "wait", "command": ["sh", "-c", "until nc -z db.shop-dr.svc 5432; do sleep 1; done"]}],
    "containers": [{"name": "app", "args": ["--upstream=http://api.shop-dr.svc"],
                    "env": [{"name": "A", "value": "db.shop-dr.svc.cluster.local"},
                            {"name": "B", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
                            {"name": "C"}]}]
  })");
  const struct {
    std::string api_version;
    std::string kind;
    std::vector<std::string> path;  // to the pod template
  } cases[] = {
      {"apps/v1", "Deployment", {"spec", "template"}},
      {"apps/v1", "StatefulSet", {"spec", "template"}},
      {"apps/v1", "DaemonSet", {"spec", "template"}},
      {"apps/v1", "ReplicaSet", {"spec", "template"}},
      {"v1", "ReplicationController", {"spec", "template"}},
      {"batch/v1", "Job", {"spec", "template"}},
      {"batch/v1", "CronJob", {"spec", "jobTemplate", "spec", "template"}},
      {"v1", "PodTemplate", {"template"}},
  };
  for (const auto& c : cases) {
    json obj = {{"apiVersion", c.api_version}, {"kind", c.kind}, {"metadata", {{"name", "x"}}}};
    json* at = &obj;
    for (const std::string& key : c.path) at = &(*at)[key];
    (*at)["spec"] = containers;
    RewriteNamespaceReferences(obj, "shop", "shop-dr");
    at = &obj;
    for (const std::string& key : c.path) at = &(*at)[key];
    EXPECT_EQ((*at)["spec"], want) << c.kind;
  }
}

TEST(RewriteNamespaceTest, OtherKindsAndFieldsAreLeftAlone) {
  // A Pod template path on a kind that has none, a Secret, a custom resource.
  for (
      const char* text : {
          R"({"apiVersion": "example.com/v1", "kind": "Deployment",
               "spec": {"template": {"spec": {"containers": [{"env": [{"name": "A", "value": "db.shop.svc"}]}]}}}})",
          R"({"apiVersion": "v1", "kind": "Secret", "stringData": {"url": "db.shop.svc"}})",
          R"({"apiVersion": "v1", "kind": "ConfigMap", "data": "db.shop.svc"})",
          R"({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"template": {"spec": {"containers": "x"}}}})",
          R"({"apiVersion": "apps/v1", "kind": "Deployment",
               "spec": {"template": {"spec": {"containers": [5, {"env": "x", "args": "db.shop.svc"}]}}}})",
      }) {
    json obj = json::parse(text);
    const json before = obj;
    RewriteNamespaceReferences(obj, "shop", "shop-dr");
    EXPECT_EQ(obj, before) << text;
  }
}

TEST(RewriteNamespaceTest, RoleBindingSubjects) {
  json binding = json::parse(R"({
    "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
    "metadata": {"name": "web"},
    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "shop"},
    "subjects": [{"kind": "ServiceAccount", "name": "web", "namespace": "shop"},
                 {"kind": "ServiceAccount", "name": "ci", "namespace": "tools"},
                 {"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "shop"},
                 {"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "system:serviceaccounts:shop"}]
  })");
  json want = binding;
  want["subjects"][0]["namespace"] = "shop-dr";
  RewriteNamespaceReferences(binding, "shop", "shop-dr");
  EXPECT_EQ(binding, want);
}

TEST(RewriteNamespaceTest, NoOpWhenNamespacesAgree) {
  json cm =
      json::parse(R"({"apiVersion": "v1", "kind": "ConfigMap", "data": {"u": "db.shop.svc"}})");
  const json before = cm;
  RewriteNamespaceReferences(cm, "shop", "shop");
  EXPECT_EQ(cm, before);
  RewriteNamespaceReferences(cm, "", "shop-dr");
  EXPECT_EQ(cm, before);
}

}  // namespace
}  // namespace drs::sync
