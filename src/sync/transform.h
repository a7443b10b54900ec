#pragma once
// Transform: a source object, as read from the source cluster's API server,
// into the desired form of its DR copy — dormant but ready. Pure: no I/O, no
// clock; the engine lists, compares hashes, applies (server-side apply, field
// manager dr-syncer) and prunes on top of it. docs/transforms.md is the
// user-facing list of every rule; keep the two in step.
//
// Every object:
//  - metadata keeps only name, labels and annotations (uid, resourceVersion,
//    generation, creationTimestamp, deletion fields, managedFields, selfLink,
//    generateName, ownerReferences and finalizers are dropped: owner UIDs
//    mean nothing in another cluster, and a DR copy must delete cleanly, with
//    no finalizer that only a source-side controller would remove);
//  - metadata.namespace = destination namespace when the source had one
//    (objects without a namespace are cluster-scoped and stay so);
//  - `status` is dropped;
//  - annotations dropped: kubectl.kubernetes.io/last-applied-configuration,
//    deployment.kubernetes.io/revision, deprecated.daemonset.template.generation,
//    control-plane.alpha.kubernetes.io/leader (a live lock);
//  - ours added (keys.h): labels app.kubernetes.io/managed-by=dr-syncer (the
//    source's own value, e.g. "Helm", kept in dr-syncer.io/original-managed-by)
//    and dr-syncer.io/replication; annotations dr-syncer.io/source,
//    dr-syncer.io/source-uid, and dr-syncer.io/desired-hash (desired_hash.h).
//    Nothing volatile (resourceVersion, timestamps) goes in, so the hash only
//    changes when the copy must.
// Per kind (matched by API group and kind, any version):
//  - Deployment, StatefulSet, ReplicaSet (apps), ReplicationController (core):
//    spec.replicas = 0 (scale_to_zero), or n from dr-syncer.io/scale-override
//    (annotation, else label) in either mode; scale_to_zero false keeps the
//    source's count. The source's count (1 when absent) goes to
//    dr-syncer.io/original-replicas. StatefulSet volumeClaimTemplates get the
//    PVC claim-spec mappings below.
//  - DaemonSet: cannot be scaled. Dormant = a nodeSelector term
//    dr-syncer.io/dormant: "true" in the pod template, which no node carries,
//    plus the annotation dr-syncer.io/dormant: "true"; failover removes both.
//  - CronJob, Job (batch): dormant = spec.suspend true; the source's value
//    goes to dr-syncer.io/original-suspend. Jobs lose the labels and selector
//    the Job controller generated from the source UID (unless
//    spec.manualSelector); the DR API server generates its own.
//    "Dormant" for DaemonSets, CronJobs and Jobs: when scale_to_zero, unless
//    scale-override > 0; with scale_to_zero false, unless scale-override "0".
//  - HorizontalPodAutoscaler: autoscaling/v2 copies never change replicas:
//    spec.behavior.scaleUp/scaleDown.selectPolicy = Disabled (the source's
//    behavior kept as JSON in dr-syncer.io/original-behavior) and minReplicas
//    lowered to 1 (source value in dr-syncer.io/original-min-replicas), so an
//    HPA cannot lift a scale-override above what was asked. At 0 replicas the
//    HPA is disabled by Kubernetes itself. autoscaling/v1 cannot say this:
//    the engine reads HPAs as autoscaling/v2 (served since Kubernetes 1.23);
//    v1 copies lose only the status annotations.
//  - Service: spec.clusterIP/clusterIPs dropped (the DR cluster allocates)
//    unless headless ("None" kept); spec.ipFamilies dropped (the DR cluster's
//    families may differ; ipFamilyPolicy, the user's intent, is kept);
//    ports[].nodePort and healthCheckNodePort dropped unless
//    preserve_node_ports; loadBalancerIP dropped unless
//    preserve_load_balancer_ip (an address of the primary site). The type is
//    kept, so a changed type is applied as is; if the API rejects the change
//    (e.g. ExternalName <-> ClusterIP) the engine must Recreate.
//  - Ingress: carried whole; without preserve_ingress_annotations the
//    source's annotations go, without preserve_ingress_tls spec.tls goes,
//    without preserve_ingress_class spec.ingressClassName and the
//    kubernetes.io/ingress.class annotation go.
//  - ServiceAccount: `secrets` dropped (token references), imagePullSecrets kept.
//  - PersistentVolumeClaim: storageClassName (and the legacy
//    volume.beta.kubernetes.io/storage-class annotation) and each accessMode
//    mapped by exact match; volumeName dropped unless sync_persistent_volumes;
//    dataSource/dataSourceRef dropped (source-side snapshots and clones);
//    volumeAttributesClassName dropped unless preserve_volume_attributes;
//    the binding annotations (pv.kubernetes.io/bind-completed,
//    pv.kubernetes.io/bound-by-controller, pv.kubernetes.io/migrated-to,
//    volume[.beta].kubernetes.io/storage-provisioner,
//    volume.kubernetes.io/selected-node) dropped. volumeMode and the size are
//    kept (the engine applies increases only).
//  - Secret, ConfigMap and any other kind (custom resources included): only
//    the rules for every object, plus the namespace rewrite.
// Namespace rewrite (rewrite_namespace.h), when the namespaces differ.
//
// Thread-safety: pure functions over caller-owned values.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace drs::sync {

struct TransformOptions {
  // The source namespace, for the namespace rewrite; "" = the object's own.
  std::string source_namespace;
  // Where namespaced copies go. REQUIRES: not empty for namespaced objects.
  std::string destination_namespace;
  // "<namespace>/<name>" of the Replication. REQUIRES: not empty.
  std::string replication;
  // The source RemoteCluster's name; "" = the cluster the controller runs in.
  std::string source_cluster;

  bool scale_to_zero = true;

  // Services (Replication spec.serviceConfig).
  bool preserve_node_ports = false;
  bool preserve_load_balancer_ip = false;
  // Ingresses (spec.ingressConfig).
  bool preserve_ingress_annotations = true;
  bool preserve_ingress_tls = true;
  bool preserve_ingress_class = true;
  // PersistentVolumeClaims and PersistentVolumes (spec.pvcConfig): exact
  // from -> to; the first matching entry wins.
  std::vector<std::pair<std::string, std::string>> storage_class_mappings;
  std::vector<std::pair<std::string, std::string>> access_mode_mappings;
  bool preserve_volume_attributes = false;
  bool sync_persistent_volumes = false;
  // The destination Namespace object (spec.namespaceConfig).
  bool preserve_namespace_labels = true;
  bool preserve_namespace_annotations = true;
};

struct DesiredObject {
  // What to apply, with the hash annotation already set.
  nlohmann::json object;
  // DesiredHash(object), also in its dr-syncer.io/desired-hash annotation.
  std::string hash;
  // Workloads with replicas: the source's count, and what the copy gets.
  std::optional<std::int64_t> original_replicas;
  std::optional<std::int64_t> dr_replicas;
};

// The desired DR copy of `source`. PersistentVolumes, CustomResourceDefinitions
// and Namespaces are routed to the functions below. Invalid, naming the object
// ("apps/v1 Deployment shop/web: ..."), when the source is malformed (no kind,
// apiVersion or name; a mistyped field a rule must edit) or a scale-override
// is not a non-negative integer.
Result<DesiredObject> Transform(const nlohmann::json& source, const TransformOptions& options);

// A PersistentVolume (cluster-scoped; only with sync_persistent_volumes): the
// rules for every object; status dropped; spec.claimRef keeps only apiVersion,
// kind, name and namespace, with the source namespace mapped to the
// destination; storage class and access modes mapped; the reclaim policy
// forced to Retain (source value in dr-syncer.io/original-reclaim-policy),
// since both clusters reach the same storage and a DR delete must never
// destroy it; pv.kubernetes.io/bound-by-controller dropped.
Result<DesiredObject> TransformPersistentVolume(const nlohmann::json& pv,
                                                const TransformOptions& options);

// A CustomResourceDefinition (cluster-scoped; with syncCRDs): the rules for
// every object and nothing else.
Result<DesiredObject> TransformCustomResourceDefinition(const nlohmann::json& crd,
                                                        const TransformOptions& options);

// The DR Namespace for a source Namespace object: named
// destination_namespace; the source's labels (without
// kubernetes.io/metadata.name, which the API server sets, and
// dr-syncer.io/ignore) and annotations (without the dropped ones above) when
// preserve_namespace_labels / _annotations; ours added; spec and status
// dropped.
Result<DesiredObject> DestinationNamespace(const nlohmann::json& source_namespace_object,
                                           const TransformOptions& options);

// The dr-syncer.io/replication label value for a Replication "ns/name":
// "ns.name" (namespaces hold no '.', so this is unambiguous), characters a
// label value cannot hold replaced by '-', and, when longer than 63, cut and
// suffixed with a hash of the whole name so distinct Replications never share
// a value.
std::string ReplicationLabelValue(std::string_view replication);

// "<cluster>/<namespace>/<name>", the dr-syncer.io/source annotation.
std::string SourceReference(std::string_view cluster, std::string_view ns, std::string_view name);

}  // namespace drs::sync
