// PersistentVolumeClaims and PersistentVolumes, from objects as the API
// server returns them.
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

// A dynamically provisioned, bound claim.
const json kClaim = json::parse(R"({
  "apiVersion": "v1", "kind": "PersistentVolumeClaim",
  "metadata": {
    "name": "data-db-0", "namespace": "shop", "uid": "c1a1m-0001", "resourceVersion": "5123",
    "creationTimestamp": "2024-05-01T10:00:00Z",
    "labels": {"app": "db"},
    "annotations": {
      "pv.kubernetes.io/bind-completed": "yes",
      "pv.kubernetes.io/bound-by-controller": "yes",
      "volume.beta.kubernetes.io/storage-provisioner": "ebs.csi.aws.com",
      "volume.kubernetes.io/storage-provisioner": "ebs.csi.aws.com",
      "volume.kubernetes.io/selected-node": "ip-10-0-1-17.ec2.internal",
      "backup.example.com/tier": "gold"
    },
    "finalizers": ["kubernetes.io/pvc-protection"]
  },
  "spec": {
    "accessModes": ["ReadWriteOnce"],
    "resources": {"requests": {"storage": "20Gi"}},
    "storageClassName": "gp3",
    "volumeMode": "Filesystem",
    "volumeName": "pvc-c1a1m-0001",
    "volumeAttributesClassName": "gp3-fast",
    "dataSource": {"apiGroup": "snapshot.storage.k8s.io", "kind": "VolumeSnapshot",
                   "name": "nightly"},
    "dataSourceRef": {"apiGroup": "snapshot.storage.k8s.io", "kind": "VolumeSnapshot",
                      "name": "nightly"}
  },
  "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"],
             "capacity": {"storage": "20Gi"}}
})");

TEST(TransformStorageTest, ClaimMappedAndUnbound) {
  TransformOptions options = ShopOptions();
  options.storage_class_mappings = {{"gp2", "other"}, {"gp3", "dr-standard"}};
  options.access_mode_mappings = {{"ReadWriteOnce", "ReadWriteMany"}};
  ExpectDesired(MustTransform(kClaim, options), json::parse(R"({
    "apiVersion": "v1", "kind": "PersistentVolumeClaim",
    "metadata": {
      "name": "data-db-0", "namespace": "shop-dr",
      "labels": {"app": "db", "app.kubernetes.io/managed-by": "dr-syncer",
                 "dr-syncer.io/replication": "dr-system.shop"},
      "annotations": {"backup.example.com/tier": "gold",
                      "dr-syncer.io/source": "prod/shop/data-db-0",
                      "dr-syncer.io/source-uid": "c1a1m-0001"}
    },
    "spec": {
      "accessModes": ["ReadWriteMany"],
      "resources": {"requests": {"storage": "20Gi"}},
      "storageClassName": "dr-standard",
      "volumeMode": "Filesystem"
    }
  })"));
}

TEST(TransformStorageTest, ClaimOptions) {
  TransformOptions options = ShopOptions();
  options.sync_persistent_volumes = true;
  options.preserve_volume_attributes = true;
  const json spec = MustTransform(kClaim, options).object["spec"];
  EXPECT_EQ(spec["volumeName"], "pvc-c1a1m-0001");
  EXPECT_EQ(spec["volumeAttributesClassName"], "gp3-fast");
  EXPECT_EQ(spec["storageClassName"], "gp3");  // no mapping: unchanged
  EXPECT_FALSE(spec.contains("dataSource"));   // source-side snapshots, whatever the options
  EXPECT_FALSE(spec.contains("dataSourceRef"));
}

TEST(TransformStorageTest, AccessModeMappingDeduplicates) {
  const struct {
    json modes;
    std::vector<std::pair<std::string, std::string>> mappings;
    json want;
  } cases[] = {
      {{"ReadWriteOnce", "ReadWriteMany"}, {{"ReadWriteOnce", "ReadWriteMany"}}, {"ReadWriteMany"}},
      {{"ReadOnlyMany", "ReadWriteOnce"},
       {{"ReadWriteOnce", "ReadWriteOncePod"}},
       {"ReadOnlyMany", "ReadWriteOncePod"}},
      {{"ReadWriteOnce"}, {{"ReadWriteOnce", "A"}, {"ReadWriteOnce", "B"}}, {"A"}},  // first wins
      {{"ReadWriteOnce"}, {}, {"ReadWriteOnce"}},
      {{"ReadWriteOnce", 7}, {}, {"ReadWriteOnce", 7}},  // malformed entries are left alone
  };
  for (const auto& c : cases) {
    json source = kClaim;
    source["spec"]["accessModes"] = c.modes;
    TransformOptions options = ShopOptions();
    options.access_mode_mappings = c.mappings;
    EXPECT_EQ(MustTransform(source, options).object["spec"]["accessModes"], c.want) << c.modes;
  }
}

TEST(TransformStorageTest, LegacyStorageClassAnnotationMapped) {
  json source = kClaim;
  source["spec"].erase("storageClassName");
  source["metadata"]["annotations"]["volume.beta.kubernetes.io/storage-class"] = "gp3";
  TransformOptions options = ShopOptions();
  options.storage_class_mappings = {{"gp3", "dr-standard"}};
  const json out = MustTransform(source, options).object;
  EXPECT_EQ(out["metadata"]["annotations"]["volume.beta.kubernetes.io/storage-class"],
            "dr-standard");
  EXPECT_FALSE(out["spec"].contains("storageClassName"));  // the default class stays default
}

// A statically provisioned NFS volume both sites can mount.
const json kVolume = json::parse(R"({
  "apiVersion": "v1", "kind": "PersistentVolume",
  "metadata": {
    "name": "shared-media", "uid": "pv-0001", "resourceVersion": "77",
    "creationTimestamp": "2024-05-01T10:00:00Z",
    "annotations": {"pv.kubernetes.io/bound-by-controller": "yes",
                    "pv.kubernetes.io/provisioned-by": "nfs.csi.k8s.io"},
    "finalizers": ["kubernetes.io/pv-protection"]
  },
  "spec": {
    "capacity": {"storage": "100Gi"},
    "accessModes": ["ReadWriteMany"],
    "persistentVolumeReclaimPolicy": "Delete",
    "storageClassName": "nfs",
    "volumeMode": "Filesystem",
    "mountOptions": ["nfsvers=4.1"],
    "csi": {"driver": "nfs.csi.k8s.io", "volumeHandle": "nfs.example.com#/exports/media",
            "volumeAttributes": {"server": "nfs.example.com", "share": "/exports/media"}},
    "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": "media",
                 "namespace": "shop", "uid": "c1a1m-0002", "resourceVersion": "5100"}
  },
  "status": {"phase": "Bound", "lastPhaseTransitionTime": "2024-05-01T10:00:05Z"}
})");

TEST(TransformStorageTest, PersistentVolumeRetainedAndRebound) {
  TransformOptions options = ShopOptions();
  options.sync_persistent_volumes = true;
  options.storage_class_mappings = {{"nfs", "dr-nfs"}};
  const json want = json::parse(R"({
    "apiVersion": "v1", "kind": "PersistentVolume",
    "metadata": {
      "name": "shared-media",
      "labels": {"app.kubernetes.io/managed-by": "dr-syncer",
                 "dr-syncer.io/replication": "dr-system.shop"},
      "annotations": {"pv.kubernetes.io/provisioned-by": "nfs.csi.k8s.io",
                      "dr-syncer.io/original-reclaim-policy": "Delete",
                      "dr-syncer.io/source": "prod//shared-media",
                      "dr-syncer.io/source-uid": "pv-0001"}
    },
    "spec": {
      "capacity": {"storage": "100Gi"},
      "accessModes": ["ReadWriteMany"],
      "persistentVolumeReclaimPolicy": "Retain",
      "storageClassName": "dr-nfs",
      "volumeMode": "Filesystem",
      "mountOptions": ["nfsvers=4.1"],
      "csi": {"driver": "nfs.csi.k8s.io", "volumeHandle": "nfs.example.com#/exports/media",
              "volumeAttributes": {"server": "nfs.example.com", "share": "/exports/media"}},
      "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": "media",
                   "namespace": "shop-dr"}
    }
  })");
  auto direct = TransformPersistentVolume(kVolume, options);
  ASSERT_TRUE(direct.ok()) << direct.error();
  ExpectDesired(*direct, want);
  ExpectDesired(MustTransform(kVolume, options), want);  // Transform routes it
}

TEST(TransformStorageTest, PersistentVolumeEdgeCases) {
  // A claim of another namespace keeps its namespace; no claimRef, no policy.
  json source = kVolume;
  source["spec"]["claimRef"]["namespace"] = "other";
  source["spec"].erase("persistentVolumeReclaimPolicy");
  json out = MustTransform(source, ShopOptions()).object;
  EXPECT_EQ(out["spec"]["claimRef"]["namespace"], "other");
  EXPECT_EQ(out["spec"]["persistentVolumeReclaimPolicy"], "Retain");
  EXPECT_FALSE(out["metadata"]["annotations"].contains("dr-syncer.io/original-reclaim-policy"));

  source["spec"].erase("claimRef");
  out = MustTransform(source, ShopOptions()).object;
  EXPECT_FALSE(out["spec"].contains("claimRef"));

  source.erase("spec");
  auto bad = TransformPersistentVolume(source, ShopOptions());
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message(),
              HasSubstr("v1 PersistentVolume shared-media: spec is missing or not an object"));
}

}  // namespace
}  // namespace drs::sync
