// Workloads with replicas: scaled to zero or to the scale-override, from
// objects as the API server returns them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/sync_test_util.h"
#include "sync/transform.h"

namespace drs::sync {
namespace {

using nlohmann::json;
using testing::ExpectDesired;
using ::testing::HasSubstr;
using testing::MustTransform;
using testing::ShopOptions;

const json kDeployment = json::parse(R"({
  "apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {
    "name": "web", "namespace": "shop", "uid": "8d6f0c52-7a3e-4f0b-b1d9-2a64c1f0e7aa",
    "resourceVersion": "48213", "generation": 3, "creationTimestamp": "2024-05-01T10:00:00Z",
    "labels": {"app": "web"},
    "annotations": {"deployment.kubernetes.io/revision": "3", "team": "storefront"},
    "managedFields": [{"manager": "kubectl-client-side-apply", "operation": "Update",
                       "apiVersion": "apps/v1", "time": "2024-05-01T10:00:00Z",
                       "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:replicas": {}}}}]
  },
  "spec": {
    "replicas": 3, "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
    "selector": {"matchLabels": {"app": "web"}},
    "strategy": {"type": "RollingUpdate",
                 "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
    "template": {
      "metadata": {"creationTimestamp": null, "labels": {"app": "web"}},
      "spec": {
        "containers": [{
          "name": "web", "image": "registry.example.com/shop/web:1.4.2",
          "args": ["--cache=redis.shop.svc:6379"],
          "env": [{"name": "DB_HOST", "value": "db.shop.svc.cluster.local"},
                  {"name": "MODE", "value": "shop"},
                  {"name": "POD_IP", "valueFrom": {"fieldRef": {"apiVersion": "v1",
                                                                "fieldPath": "status.podIP"}}}],
          "ports": [{"containerPort": 8080, "protocol": "TCP"}],
          "resources": {}, "terminationMessagePath": "/dev/termination-log",
          "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"}],
        "restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst", "securityContext": {}, "schedulerName": "default-scheduler"
      }
    }
  },
  "status": {"observedGeneration": 3, "replicas": 3, "updatedReplicas": 3, "readyReplicas": 3,
             "availableReplicas": 3,
             "conditions": [{"type": "Available", "status": "True",
                             "lastUpdateTime": "2024-05-01T10:01:00Z",
                             "lastTransitionTime": "2024-05-01T10:01:00Z",
                             "reason": "MinimumReplicasAvailable",
                             "message": "Deployment has minimum availability."}]}
})");

TEST(TransformWorkloadsTest, DeploymentScaledToZero) {
  const DesiredObject out = MustTransform(kDeployment, ShopOptions());
  ExpectDesired(out, json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {
      "name": "web", "namespace": "shop-dr",
      "labels": {"app": "web", "app.kubernetes.io/managed-by": "dr-syncer",
                 "dr-syncer.io/replication": "dr-system.shop"},
      "annotations": {"team": "storefront", "dr-syncer.io/original-replicas": "3",
                      "dr-syncer.io/source": "prod/shop/web",
                      "dr-syncer.io/source-uid": "8d6f0c52-7a3e-4f0b-b1d9-2a64c1f0e7aa"}
    },
    "spec": {
      "replicas": 0, "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
      "selector": {"matchLabels": {"app": "web"}},
      "strategy": {"type": "RollingUpdate",
                   "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
      "template": {
        "metadata": {"labels": {"app": "web"}},
        "spec": {
          "containers": [{
            "name": "web", "image": "registry.example.com/shop/web:1.4.2",
            "args": ["--cache=redis.shop-dr.svc:6379"],
            "env": [{"name": "DB_HOST", "value": "db.shop-dr.svc.cluster.local"},
                    {"name": "MODE", "value": "shop"},
                    {"name": "POD_IP", "valueFrom": {"fieldRef": {"apiVersion": "v1",
                                                                  "fieldPath": "status.podIP"}}}],
            "ports": [{"containerPort": 8080, "protocol": "TCP"}],
            "resources": {}, "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"}],
          "restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
          "dnsPolicy": "ClusterFirst", "securityContext": {}, "schedulerName": "default-scheduler"
        }
      }
    }
  })"));
  EXPECT_EQ(out.original_replicas, 3);
  EXPECT_EQ(out.dr_replicas, 0);
}

TEST(TransformWorkloadsTest, ReplicaCounts) {
  const struct {
    const char* name;
    std::function<void(json&)> edit_source;
    bool scale_to_zero;
    std::int64_t original;
    std::int64_t dr;
  } cases[] = {
      {"scaled to zero", nullptr, true, 3, 0},
      {"kept", nullptr, false, 3, 3},
      {"absent replicas default to 1", [](json& s) { s["spec"].erase("replicas"); }, true, 1, 0},
      {"absent replicas kept as 1", [](json& s) { s["spec"].erase("replicas"); }, false, 1, 1},
      {"null replicas", [](json& s) { s["spec"]["replicas"] = nullptr; }, false, 1, 1},
      {"override annotation",
       [](json& s) { s["metadata"]["annotations"]["dr-syncer.io/scale-override"] = "2"; }, true, 3,
       2},
      {"override label",
       [](json& s) { s["metadata"]["labels"]["dr-syncer.io/scale-override"] = "1"; }, true, 3, 1},
      {"annotation wins over label",
       [](json& s) {
         s["metadata"]["labels"]["dr-syncer.io/scale-override"] = "1";
         s["metadata"]["annotations"]["dr-syncer.io/scale-override"] = "5";
       },
       true, 3, 5},
      {"override applies without scale_to_zero too",
       [](json& s) { s["metadata"]["annotations"]["dr-syncer.io/scale-override"] = "0"; }, false, 3,
       0},
      {"source at zero", [](json& s) { s["spec"]["replicas"] = 0; }, false, 0, 0},
  };
  for (const auto& c : cases) {
    json source = kDeployment;
    if (c.edit_source) c.edit_source(source);
    TransformOptions options = ShopOptions();
    options.scale_to_zero = c.scale_to_zero;
    const DesiredObject out = MustTransform(source, options);
    EXPECT_EQ(out.object["spec"]["replicas"], c.dr) << c.name;
    EXPECT_EQ(out.object["metadata"]["annotations"]["dr-syncer.io/original-replicas"],
              std::to_string(c.original))
        << c.name;
    EXPECT_EQ(out.original_replicas, c.original) << c.name;
    EXPECT_EQ(out.dr_replicas, c.dr) << c.name;
  }
}

TEST(TransformWorkloadsTest, InvalidScaleOverrideNamesObjectAndValue) {
  const struct {
    std::string value;
    std::string message;
  } cases[] = {
      {"many",
       "apps/v1 Deployment shop/web: dr-syncer.io/scale-override \"many\" is not a "
       "non-negative integer"},
      {"-1", "\"-1\" is not"},
      {"", "\"\" is not"},
      {"1.5", "\"1.5\" is not"},
      {" 2", "\" 2\" is not"},
      {"2147483648", "\"2147483648\" is not"},  // above int32, what replicas holds
      {"99999999999999999999999", "is not a non-negative integer"},
      {std::string(100, '9'), "\"" + std::string(64, '9') + "...\" is not"},
  };
  for (const auto& c : cases) {
    json source = kDeployment;
    source["metadata"]["annotations"]["dr-syncer.io/scale-override"] = c.value;
    auto out = Transform(source, ShopOptions());
    ASSERT_FALSE(out.ok()) << c.value;
    EXPECT_EQ(out.error().code(), ErrorCode::kInvalid);
    EXPECT_THAT(out.error().message(), HasSubstr(c.message));
  }
  json source = kDeployment;
  source["metadata"]["annotations"]["dr-syncer.io/scale-override"] = "2147483647";
  EXPECT_EQ(MustTransform(source, ShopOptions()).dr_replicas, 2147483647);
}

TEST(TransformWorkloadsTest, MalformedReplicas) {
  const struct {
    json replicas;
    std::string message;
  } cases[] = {{"3", "spec.replicas is not an integer"},
               {1.5, "spec.replicas is not an integer"},
               {-2, "spec.replicas is negative"}};
  for (const auto& c : cases) {
    json source = kDeployment;
    source["spec"]["replicas"] = c.replicas;
    auto out = Transform(source, ShopOptions());
    ASSERT_FALSE(out.ok()) << c.replicas;
    EXPECT_THAT(out.error().message(), HasSubstr("apps/v1 Deployment shop/web: " + c.message));
  }
  json no_spec = kDeployment;
  no_spec["spec"] = "x";
  auto out = Transform(no_spec, ShopOptions());
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(out.error().message(), HasSubstr("spec is missing or not an object"));
}

TEST(TransformWorkloadsTest, StatefulSetClaimTemplatesMapped) {
  const json sts = json::parse(R"({
    "apiVersion": "apps/v1", "kind": "StatefulSet",
    "metadata": {"name": "db", "namespace": "shop", "uid": "u-db", "resourceVersion": "7",
                 "generation": 1},
    "spec": {
      "replicas": 2, "serviceName": "db", "podManagementPolicy": "OrderedReady",
      "selector": {"matchLabels": {"app": "db"}},
      "template": {"metadata": {"creationTimestamp": null, "labels": {"app": "db"}},
                   "spec": {"containers": [{"name": "pg", "image": "postgres:16"}]}},
      "volumeClaimTemplates": [{
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data", "creationTimestamp": null},
        "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "fast-ssd",
                 "volumeMode": "Filesystem", "resources": {"requests": {"storage": "10Gi"}}},
        "status": {"phase": "Pending"}
      }]
    },
    "status": {"replicas": 2, "readyReplicas": 2, "currentRevision": "db-7d9f"}
  })");
  TransformOptions options = ShopOptions();
  options.storage_class_mappings = {{"fast-ssd", "dr-ssd"}};
  options.access_mode_mappings = {{"ReadWriteOnce", "ReadWriteOncePod"}};
  const DesiredObject out = MustTransform(sts, options);
  ExpectDesired(out, json::parse(R"({
    "apiVersion": "apps/v1", "kind": "StatefulSet",
    "metadata": {"name": "db", "namespace": "shop-dr",
      "labels": {"app.kubernetes.io/managed-by": "dr-syncer",
                 "dr-syncer.io/replication": "dr-system.shop"},
      "annotations": {"dr-syncer.io/original-replicas": "2", "dr-syncer.io/source": "prod/shop/db",
                      "dr-syncer.io/source-uid": "u-db"}},
    "spec": {
      "replicas": 0, "serviceName": "db", "podManagementPolicy": "OrderedReady",
      "selector": {"matchLabels": {"app": "db"}},
      "template": {"metadata": {"labels": {"app": "db"}},
                   "spec": {"containers": [{"name": "pg", "image": "postgres:16"}]}},
      "volumeClaimTemplates": [{
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOncePod"], "storageClassName": "dr-ssd",
                 "volumeMode": "Filesystem", "resources": {"requests": {"storage": "10Gi"}}}
      }]
    }
  })"));
  EXPECT_EQ(out.original_replicas, 2);
}

TEST(TransformWorkloadsTest, ReplicaSetAndReplicationController) {
  for (const char* text : {
           R"({"apiVersion": "apps/v1", "kind": "ReplicaSet",
               "metadata": {"name": "legacy", "namespace": "shop"},
               "spec": {"replicas": 4, "selector": {"matchLabels": {"a": "b"}}}})",
           R"({"apiVersion": "v1", "kind": "ReplicationController",
               "metadata": {"name": "legacy", "namespace": "shop"},
               "spec": {"replicas": 4, "selector": {"a": "b"}}})",
       }) {
    const DesiredObject out = MustTransform(json::parse(text), ShopOptions());
    EXPECT_EQ(out.object["spec"]["replicas"], 0) << text;
    EXPECT_EQ(out.original_replicas, 4) << text;
  }
}

}  // namespace
}  // namespace drs::sync
