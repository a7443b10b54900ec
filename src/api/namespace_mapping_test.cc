#include "api/namespace_mapping.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/replication.h"

namespace drs::api {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// A NamespaceMapping as the Go dr-syncer's test cases write them, after its
// CRD's defaults.
json GoNamespaceMapping() {
  return json::parse(R"({
    "apiVersion": "dr-syncer.io/v1alpha1", "kind": "NamespaceMapping",
    "metadata": {"name": "test05", "namespace": "dr-syncer", "uid": "nm-uid-1"},
    "spec": {
      "replicationMode": "Scheduled", "schedule": "*/5 * * * *", "paused": false,
      "clusterMappingRef": {"name": "prod-to-dr", "namespace": "dr-syncer"},
      "sourceNamespace": "shop", "destinationNamespace": "shop",
      "resourceTypes": ["ConfigMaps", "Secrets"],
      "scaleToZero": true, "syncCRDs": false,
      "continuous": {"watchResources": true, "backgroundSyncInterval": "1h"},
      "retryConfig": {"maxRetries": 5, "initialBackoff": "5s", "maxBackoff": "5m",
                      "backoffMultiplier": 200},
      "immutableResourceConfig": {"defaultHandling": "RecreateWithPodDrain",
                                  "drainTimeout": "5m", "forceDeleteTimeout": "2m",
                                  "resourceOverrides": {"statefulsets.apps": "PartialUpdate",
                                                        "services": "ForceUpdate"}},
      "namespaceConfig": {"createNamespace": true, "preserveLabels": true,
                          "preserveAnnotations": false},
      "ingressConfig": {"preserveAnnotations": true, "preserveTLS": false,
                        "preserveBackends": true},
      "pvcConfig": {"syncData": true, "storageClassMappings": [{"from": "gp2", "to": "std"}],
                    "dataSyncConfig": {"concurrentSyncs": 3, "timeout": "30m",
                                       "verificationMode": "none", "samplePercent": 10,
                                       "rsyncOptions": ["--checksum"],
                                       "snapshotConfig": {"enabled": true}}},
      "failureHandling": {"defaultMode": "RetryAndWait"},
      "tempPodKeySecretRef": {"name": "keys", "namespace": "dr-syncer"}
    }
  })");
}

const json kClusterMapping = json::parse(
    R"({"metadata": {"name": "prod-to-dr"}, "spec": {"sourceCluster": "prod",
        "targetCluster": "dr"}})");

TEST(NamespaceMappingTest, ConvertsEveryFieldWithACounterpart) {
  auto r = ReplicationFromNamespaceMapping(GoNamespaceMapping(), &kClusterMapping);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->at("apiVersion"), "dr-syncer.io/v1alpha1");
  EXPECT_EQ(r->at("kind"), "Replication");
  EXPECT_EQ(r->at("metadata"), json::parse(R"({
    "name": "test05", "namespace": "dr-syncer",
    "labels": {"dr-syncer.io/namespace-mapping": "test05"},
    "ownerReferences": [{"apiVersion": "dr-syncer.io/v1alpha1", "kind": "NamespaceMapping",
                         "name": "test05", "uid": "nm-uid-1", "controller": true}]
  })"));
  EXPECT_EQ(r->at("spec"), json::parse(R"({
    "sourceCluster": "prod", "destinationCluster": "dr",
    "sourceNamespace": "shop", "destinationNamespace": "shop",
    "paused": false, "replicationMode": "Scheduled", "schedule": "*/5 * * * *",
    "resourceTypes": ["ConfigMaps", "Secrets"], "scaleToZero": true, "syncCRDs": false,
    "namespaceConfig": {"createNamespace": true, "preserveLabels": true,
                        "preserveAnnotations": false},
    "ingressConfig": {"preserveAnnotations": true, "preserveTLS": false,
                      "preserveBackends": true},
    "continuous": {"backgroundSyncInterval": "1h"},
    "retryConfig": {"maxRetries": 5, "initialBackoff": "5s", "maxBackoff": "5m",
                    "backoffMultiplier": 200},
    "immutableResourceConfig": {"defaultHandling": "Recreate",
                                "resourceOverrides": {"statefulsets.apps": "NoChange",
                                                      "services": "Recreate"}},
    "pvcConfig": {"syncData": true, "storageClassMappings": [{"from": "gp2", "to": "std"}],
                  "dataSyncConfig": {"concurrentSyncs": 3, "timeout": "30m",
                                     "verificationMode": "none", "samplePercent": 10,
                                     "rsyncOptions": ["--checksum"]}}
  })"));
  // And it is a valid Replication.
  auto decoded = ReplicationFromJson(*r);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_TRUE(Validate(decoded->spec).ok());
}

TEST(NamespaceMappingTest, SkipUnchangedIsCarriedOver) {
  json nm = GoNamespaceMapping();
  nm["spec"]["pvcConfig"]["dataSyncConfig"]["skipUnchanged"] = false;
  auto r = ReplicationFromNamespaceMapping(nm, &kClusterMapping);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->at("spec").at("pvcConfig").at("dataSyncConfig").at("skipUnchanged"), false);
  auto decoded = ReplicationFromJson(*r);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_FALSE(decoded->spec.pvc_config.data_sync_config.skip_unchanged);
}

TEST(NamespaceMappingTest, ExplicitClustersNeedNoClusterMapping) {
  json nm = GoNamespaceMapping();
  nm["spec"].erase("clusterMappingRef");
  nm["spec"]["sourceCluster"] = "a";
  nm["spec"]["destinationCluster"] = "b";
  nm["metadata"].erase("uid");
  auto r = ReplicationFromNamespaceMapping(nm);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->at("spec").at("sourceCluster"), "a");
  EXPECT_EQ(r->at("spec").at("destinationCluster"), "b");
  EXPECT_FALSE(r->at("metadata").contains("ownerReferences"));
}

TEST(NamespaceMappingTest, ClusterMappingRefWithoutTheMappingFails) {
  auto r = ReplicationFromNamespaceMapping(GoNamespaceMapping());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(r.error().message(), HasSubstr("ClusterMapping dr-syncer/prod-to-dr"));
}

TEST(NamespaceMappingTest, GoStyleNamespaceSelectorBecomesAPattern) {
  json nm = GoNamespaceMapping();
  nm["spec"].erase("sourceNamespace");
  nm["spec"].erase("destinationNamespace");
  nm["spec"]["namespaceSelector"] = {{"labelSelector", {{"dr-syncer.io/replicate", "true"}}},
                                     {"destinationSuffix", "-dr"}};
  auto r = ReplicationFromNamespaceMapping(nm, &kClusterMapping);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->at("spec").at("namespaceSelector"),
            json::parse(R"({"matchLabels": {"dr-syncer.io/replicate": "true"}})"));
  EXPECT_EQ(r->at("spec").at("destinationNamespacePattern"), "{namespace}-dr");

  nm["spec"]["namespaceSelector"] = {{"matchLabels", {{"team", "a"}}}};
  r = ReplicationFromNamespaceMapping(nm, &kClusterMapping);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->at("spec").at("namespaceSelector"),
            json::parse(R"({"matchLabels": {"team": "a"}})"));
  EXPECT_FALSE(r->at("spec").contains("destinationNamespacePattern"));

  nm["spec"]["namespaceSelector"] = {{"destinationSuffix", "-dr"}};
  EXPECT_FALSE(ReplicationFromNamespaceMapping(nm, &kClusterMapping).ok());
}

TEST(NamespaceMappingTest, WhatAReplicationMayNotHoldIsRefusedByField) {
  json nm = GoNamespaceMapping();
  nm["spec"]["pvcConfig"]["dataSyncConfig"]["rsyncOptions"] = {"--rsh=sh"};
  auto r = ReplicationFromNamespaceMapping(nm, &kClusterMapping);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalid);
  EXPECT_THAT(r.error().ToString(),
              HasSubstr("converting NamespaceMapping dr-syncer/test05 to a Replication"));
  EXPECT_THAT(r.error().message(), HasSubstr("spec.pvcConfig.dataSyncConfig.rsyncOptions[0]"));

  nm = GoNamespaceMapping();
  nm["spec"]["continuous"]["backgroundSyncInterval"] = "1d";
  r = ReplicationFromNamespaceMapping(nm, &kClusterMapping);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(), HasSubstr("spec.continuous.backgroundSyncInterval"));
}

TEST(NamespaceMappingTest, MalformedInputIsInvalidNotACrash) {
  EXPECT_FALSE(ReplicationFromNamespaceMapping(json::array()).ok());
  EXPECT_FALSE(ReplicationFromNamespaceMapping(json::parse(R"({"metadata": {}})")).ok());
  auto r = ReplicationFromNamespaceMapping(
      json::parse(R"({"metadata": {"name": 5}, "spec": {"sourceNamespace": "a",
                      "destinationCluster": "dr"}})"));
  ASSERT_TRUE(r.ok()) << r.error();  // a mistyped name is left for the API server to refuse
  EXPECT_EQ(r->at("metadata").at("name"), "");
}

}  // namespace
}  // namespace drs::api
