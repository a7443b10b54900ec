// The rules every copy goes through, cluster-scoped kinds, the destination
// Namespace, errors, and the hash of the desired form.
#include "sync/transform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/sync_test_util.h"

namespace drs::sync {
namespace {

using nlohmann::json;
using testing::ExpectDesired;
using ::testing::HasSubstr;
using testing::MustTransform;
using testing::ShopOptions;

// A ConfigMap as the API server returns it.
const json kConfigMap = json::parse(R"({
  "apiVersion": "v1", "kind": "ConfigMap",
  "metadata": {
    "name": "web-config", "namespace": "shop", "uid": "5f1c2a0e-1111-4b7e-9a51-0c6f4e2d9a01",
    "resourceVersion": "48213", "generation": 1, "creationTimestamp": "2024-05-01T10:00:00Z",
    "generateName": "web-", "selfLink": "/api/v1/namespaces/shop/configmaps/web-config",
    "labels": {"app": "web", "app.kubernetes.io/managed-by": "Helm"},
    "annotations": {
      "meta.helm.sh/release-name": "shop",
      "kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"v1\"}\n"
    },
    "ownerReferences": [{"apiVersion": "v1", "kind": "ConfigMap", "name": "parent",
                         "uid": "0e6a", "blockOwnerDeletion": true}],
    "finalizers": ["example.com/cleanup"],
    "managedFields": [{"manager": "helm", "operation": "Update", "apiVersion": "v1",
                       "time": "2024-05-01T10:00:00Z", "fieldsType": "FieldsV1",
                       "fieldsV1": {"f:data": {"f:mode": {}}}}]
  },
  "data": {"mode": "production", "upstream": "http://api.shop.svc.cluster.local:8080/v1"}
})");

TEST(TransformTest, ConfigMapKeepsOnlyWhatTheUserWrote) {
  const DesiredObject out = MustTransform(kConfigMap, ShopOptions());
  ExpectDesired(out, json::parse(R"({
    "apiVersion": "v1", "kind": "ConfigMap",
    "metadata": {
      "name": "web-config", "namespace": "shop-dr",
      "labels": {"app": "web", "app.kubernetes.io/managed-by": "dr-syncer",
                 "dr-syncer.io/replication": "dr-system.shop"},
      "annotations": {
        "meta.helm.sh/release-name": "shop",
        "dr-syncer.io/original-managed-by": "Helm",
        "dr-syncer.io/source": "prod/shop/web-config",
        "dr-syncer.io/source-uid": "5f1c2a0e-1111-4b7e-9a51-0c6f4e2d9a01"
      }
    },
    "data": {"mode": "production", "upstream": "http://api.shop-dr.svc.cluster.local:8080/v1"}
  })"));
  EXPECT_EQ(out.original_replicas, std::nullopt);
  EXPECT_EQ(out.dr_replicas, std::nullopt);
}

TEST(TransformTest, SameNamespaceAndLocalClusterKeepReferences) {
  TransformOptions options = ShopOptions();
  options.destination_namespace = "shop";
  options.source_cluster = "";
  const DesiredObject out = MustTransform(kConfigMap, options);
  EXPECT_EQ(out.object["metadata"]["namespace"], "shop");
  EXPECT_EQ(out.object["data"]["upstream"], "http://api.shop.svc.cluster.local:8080/v1");
  EXPECT_EQ(out.object["metadata"]["annotations"]["dr-syncer.io/source"], "/shop/web-config");
}

// Secrets and custom resources get only the common rules; data is copied
// byte for byte.
TEST(TransformTest, SecretAndCustomResource) {
  const json secret = json::parse(R"({
    "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls", "immutable": true,
    "metadata": {"name": "web-tls", "namespace": "shop", "uid": "u-7", "resourceVersion": "9"},
    "data": {"tls.crt": "LS0tLS1CRUdJTi4uLg==", "tls.key": "a2V5LnNob3Auc3Zj"}
  })");
  ExpectDesired(MustTransform(secret, ShopOptions()), json::parse(R"({
    "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls", "immutable": true,
    "metadata": {"name": "web-tls", "namespace": "shop-dr",
      "labels": {"app.kubernetes.io/managed-by": "dr-syncer",
                 "dr-syncer.io/replication": "dr-system.shop"},
      "annotations": {"dr-syncer.io/source": "prod/shop/web-tls", "dr-syncer.io/source-uid": "u-7"}},
    "data": {"tls.crt": "LS0tLS1CRUdJTi4uLg==", "tls.key": "a2V5LnNob3Auc3Zj"}
  })"));

  const json widget = json::parse(R"({
    "apiVersion": "example.com/v1", "kind": "Widget",
    "metadata": {"name": "w", "namespace": "shop", "uid": "u-8", "generation": 4,
                 "resourceVersion": "77", "finalizers": ["example.com/finalizer"]},
    "spec": {"size": 3, "replicas": 5, "endpoint": "db.shop.svc"},
    "status": {"phase": "Ready", "observedGeneration": 4}
  })");
  ExpectDesired(MustTransform(widget, ShopOptions()), json::parse(R"({
    "apiVersion": "example.com/v1", "kind": "Widget",
    "metadata": {"name": "w", "namespace": "shop-dr",
      "labels": {"app.kubernetes.io/managed-by": "dr-syncer",
                 "dr-syncer.io/replication": "dr-system.shop"},
      "annotations": {"dr-syncer.io/source": "prod/shop/w", "dr-syncer.io/source-uid": "u-8"}},
    "spec": {"size": 3, "replicas": 5, "endpoint": "db.shop.svc"}
  })"));
}

TEST(TransformTest, ServiceAccountLosesTokenReferences) {
  const json sa = json::parse(R"({
    "apiVersion": "v1", "kind": "ServiceAccount",
    "metadata": {"name": "web", "namespace": "shop", "uid": "u-3", "resourceVersion": "5"},
    "secrets": [{"name": "web-token-8x2kq"}],
    "imagePullSecrets": [{"name": "registry"}],
    "automountServiceAccountToken": false
  })");
  ExpectDesired(MustTransform(sa, ShopOptions()), json::parse(R"({
    "apiVersion": "v1", "kind": "ServiceAccount",
    "metadata": {"name": "web", "namespace": "shop-dr",
      "labels": {"app.kubernetes.io/managed-by": "dr-syncer",
                 "dr-syncer.io/replication": "dr-system.shop"},
      "annotations": {"dr-syncer.io/source": "prod/shop/web", "dr-syncer.io/source-uid": "u-3"}},
    "imagePullSecrets": [{"name": "registry"}],
    "automountServiceAccountToken": false
  })"));
}

TEST(TransformTest, ClusterScopedObjectsStayClusterScoped) {
  const json binding = json::parse(R"({
    "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
    "metadata": {"name": "shop-reader", "namespace": "", "uid": "u-9", "resourceVersion": "3"},
    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
    "subjects": [{"kind": "ServiceAccount", "name": "web", "namespace": "shop"},
                 {"kind": "ServiceAccount", "name": "x", "namespace": "other"}]
  })");
  ExpectDesired(MustTransform(binding, ShopOptions()), json::parse(R"({
    "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
    "metadata": {"name": "shop-reader",
      "labels": {"app.kubernetes.io/managed-by": "dr-syncer",
                 "dr-syncer.io/replication": "dr-system.shop"},
      "annotations": {"dr-syncer.io/source": "prod//shop-reader", "dr-syncer.io/source-uid": "u-9"}},
    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
    "subjects": [{"kind": "ServiceAccount", "name": "web", "namespace": "shop-dr"},
                 {"kind": "ServiceAccount", "name": "x", "namespace": "other"}]
  })"));
}

TEST(TransformTest, CustomResourceDefinition) {
  const json crd = json::parse(R"({
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com", "uid": "u-c", "resourceVersion": "12",
                 "generation": 2, "annotations": {"controller-gen.kubebuilder.io/version": "v0.14.0"},
                 "managedFields": []},
    "spec": {"group": "example.com", "scope": "Namespaced",
             "names": {"kind": "Widget", "plural": "widgets", "singular": "widget", "listKind": "WidgetList"},
             "versions": [{"name": "v1", "served": true, "storage": true,
                           "schema": {"openAPIV3Schema": {"type": "object"}}}]},
    "status": {"acceptedNames": {"kind": "Widget", "plural": "widgets"}, "storedVersions": ["v1"],
               "conditions": [{"type": "Established", "status": "True"}]}
  })");
  const json want = json::parse(R"({
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com",
      "labels": {"app.kubernetes.io/managed-by": "dr-syncer",
                 "dr-syncer.io/replication": "dr-system.shop"},
      "annotations": {"controller-gen.kubebuilder.io/version": "v0.14.0",
                      "dr-syncer.io/source": "prod//widgets.example.com",
                      "dr-syncer.io/source-uid": "u-c"}},
    "spec": {"group": "example.com", "scope": "Namespaced",
             "names": {"kind": "Widget", "plural": "widgets", "singular": "widget", "listKind": "WidgetList"},
             "versions": [{"name": "v1", "served": true, "storage": true,
                           "schema": {"openAPIV3Schema": {"type": "object"}}}]}
  })");
  auto direct = TransformCustomResourceDefinition(crd, ShopOptions());
  ASSERT_TRUE(direct.ok()) << direct.error();
  ExpectDesired(*direct, want);
  ExpectDesired(MustTransform(crd, ShopOptions()), want);  // Transform routes it
}

TEST(TransformTest, DestinationNamespace) {
  const json ns = json::parse(R"({
    "apiVersion": "v1", "kind": "Namespace",
    "metadata": {"name": "shop", "uid": "u-ns", "resourceVersion": "1",
                 "labels": {"kubernetes.io/metadata.name": "shop", "team": "payments",
                            "pod-security.kubernetes.io/enforce": "baseline",
                            "dr-syncer.io/ignore": "false"},
                 "annotations": {"owner": "payments@example.com",
                                 "kubectl.kubernetes.io/last-applied-configuration": "{}"}},
    "spec": {"finalizers": ["kubernetes"]},
    "status": {"phase": "Active"}
  })");
  const json want = json::parse(R"({
    "apiVersion": "v1", "kind": "Namespace",
    "metadata": {"name": "shop-dr",
      "labels": {"team": "payments", "pod-security.kubernetes.io/enforce": "baseline",
                 "app.kubernetes.io/managed-by": "dr-syncer",
                 "dr-syncer.io/replication": "dr-system.shop"},
      "annotations": {"owner": "payments@example.com", "dr-syncer.io/source": "prod//shop",
                      "dr-syncer.io/source-uid": "u-ns"}}
  })");
  auto out = DestinationNamespace(ns, ShopOptions());
  ASSERT_TRUE(out.ok()) << out.error();
  ExpectDesired(*out, want);
  ExpectDesired(MustTransform(ns, ShopOptions()), want);

  TransformOptions bare = ShopOptions();
  bare.preserve_namespace_labels = false;
  bare.preserve_namespace_annotations = false;
  ExpectDesired(MustTransform(ns, bare), json::parse(R"({
    "apiVersion": "v1", "kind": "Namespace",
    "metadata": {"name": "shop-dr",
      "labels": {"app.kubernetes.io/managed-by": "dr-syncer",
                 "dr-syncer.io/replication": "dr-system.shop"},
      "annotations": {"dr-syncer.io/source": "prod//shop", "dr-syncer.io/source-uid": "u-ns"}}
  })"));
}

TEST(TransformTest, HashIgnoresServerOwnedSourceFields) {
  const std::string base = MustTransform(kConfigMap, ShopOptions()).hash;
  const struct {
    const char* name;
    std::function<void(json&)> edit;
    bool changes;
  } cases[] = {
      {"resourceVersion", [](json& s) { s["metadata"]["resourceVersion"] = "99999"; }, false},
      {"managedFields", [](json& s) { s["metadata"]["managedFields"] = json::array(); }, false},
      {"generation", [](json& s) { s["metadata"]["generation"] = 8; }, false},
      {"status",
       [](json& s) {
         s["status"] = {{"x", 1}};
       },
       false},
      {"last-applied",
       [](json& s) {
         s["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = "{}";
       },
       false},
      {"data", [](json& s) { s["data"]["mode"] = "staging"; }, true},
      {"label", [](json& s) { s["metadata"]["labels"]["tier"] = "front"; }, true},
      {"annotation", [](json& s) { s["metadata"]["annotations"]["note"] = "x"; }, true},
      {"recreated (new uid)", [](json& s) { s["metadata"]["uid"] = "other"; }, true},
  };
  for (const auto& c : cases) {
    json source = kConfigMap;
    c.edit(source);
    EXPECT_EQ(MustTransform(source, ShopOptions()).hash != base, c.changes) << c.name;
  }
}

TEST(TransformTest, HashChangesWithOptions) {
  const std::string base = MustTransform(kConfigMap, ShopOptions()).hash;
  TransformOptions options = ShopOptions();
  options.replication = "dr-system/other";
  EXPECT_NE(MustTransform(kConfigMap, options).hash, base);
  options = ShopOptions();
  options.destination_namespace = "shop-dr2";
  EXPECT_NE(MustTransform(kConfigMap, options).hash, base);
}

TEST(TransformTest, Errors) {
  const struct {
    const char* name;
    json source;
    std::function<void(TransformOptions&)> edit_options;
    ErrorCode code;
    std::string message;
  } cases[] = {
      {"not an object", json::array(), nullptr, ErrorCode::kInvalid, "not a JSON object"},
      {"no kind", json::parse(R"({"apiVersion": "v1", "metadata": {"name": "a"}})"), nullptr,
       ErrorCode::kInvalid, "v1 a: kind is missing"},
      {"no apiVersion", json::parse(R"({"kind": "ConfigMap", "metadata": {"name": "a"}})"), nullptr,
       ErrorCode::kInvalid, "apiVersion is missing"},
      {"no name", json::parse(R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}})"),
       nullptr, ErrorCode::kInvalid, "metadata.name is missing"},
      {"no replication", kConfigMap, [](TransformOptions& o) { o.replication.clear(); },
       ErrorCode::kInternal, "v1 ConfigMap shop/web-config: TransformOptions.replication is empty"},
      {"no destination", kConfigMap, [](TransformOptions& o) { o.destination_namespace.clear(); },
       ErrorCode::kInternal, "TransformOptions.destination_namespace is empty"},
      {"labels not a map", json::parse(R"({"apiVersion": "v1", "kind": "ConfigMap",
                       "metadata": {"name": "a", "namespace": "shop", "labels": ["x"]}})"),
       nullptr, ErrorCode::kInvalid, "v1 ConfigMap shop/a: cannot set metadata.labels"},
  };
  for (const auto& c : cases) {
    TransformOptions options = ShopOptions();
    if (c.edit_options) c.edit_options(options);
    auto out = Transform(c.source, options);
    ASSERT_FALSE(out.ok()) << c.name;
    EXPECT_EQ(out.error().code(), c.code) << c.name;
    EXPECT_THAT(out.error().message(), HasSubstr(c.message)) << c.name;
  }
}

TEST(TransformTest, ReplicationLabelValue) {
  const std::string long_name(80, 'r');
  const struct {
    std::string replication;
    std::string want;
  } cases[] = {
      {"dr-system/shop", "dr-system.shop"},
      {"ns/a.b.c", "ns.a.b.c"},
      {"-odd/name-", "odd.name"},
      {"a b/c", "a-b.c"},
      {"ns/" + long_name,
       "ns." + std::string(49, 'r') + "-" + Sha256Hex("ns/" + long_name).substr(0, 10)},
      {"/", Sha256Hex("/").substr(0, 10)},
  };
  for (const auto& c : cases) {
    const std::string value = ReplicationLabelValue(c.replication);
    EXPECT_EQ(value, c.want) << c.replication;
    EXPECT_LE(value.size(), 63u);
  }
  // Two long names that share their first 63 characters still differ.
  EXPECT_NE(ReplicationLabelValue("ns/" + long_name + "1"),
            ReplicationLabelValue("ns/" + long_name + "2"));
}

}  // namespace
}  // namespace drs::sync
