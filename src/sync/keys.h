#pragma once
// The labels and annotations dr-syncer reads on source objects and writes on
// DR copies. One list, so the transforms, the engine, failover and the docs
// (docs/transforms.md) cannot disagree on a spelling.
//
// Thread-safety: constants.

#include <string_view>

namespace drs::sync {

// --- Read on source objects (set by users) ---

// "true" (label or annotation): never copied, and pruned from DR if it was.
inline constexpr std::string_view kIgnoreKey = "dr-syncer.io/ignore";
// "<n>" (annotation or label; the annotation wins): the DR copy of a
// workload gets n replicas instead of 0; "0" keeps a DaemonSet, CronJob or
// Job dormant and any n > 0 makes it active.
inline constexpr std::string_view kScaleOverrideKey = "dr-syncer.io/scale-override";

// --- Written on every DR copy ---

// The recommended Kubernetes label; objects without it are never modified or
// deleted by dr-syncer, and source objects with it (copies made by another
// Replication, e.g. B->A of an A->B pair) are never copied again.
inline constexpr std::string_view kManagedByLabel = "app.kubernetes.io/managed-by";
inline constexpr std::string_view kManagedByValue = "dr-syncer";
// The Replication ("<namespace>.<name>", see ReplicationLabelValue) that
// made the copy; the engine lists and prunes its copies by it.
inline constexpr std::string_view kReplicationLabel = "dr-syncer.io/replication";
// "<cluster>/<namespace>/<name>" of the source object; empty parts stay empty
// (a local source cluster, a cluster-scoped object): "/shop/web".
inline constexpr std::string_view kSourceAnnotation = "dr-syncer.io/source";
// metadata.uid of the source object: stable for its lifetime, so a deleted and
// recreated source object shows up as a changed copy.
inline constexpr std::string_view kSourceUidAnnotation = "dr-syncer.io/source-uid";
// DesiredHash of the desired form; the engine skips applying when the DR copy
// already carries the hash it would apply.
inline constexpr std::string_view kDesiredHashAnnotation = "dr-syncer.io/desired-hash";
// The source's own app.kubernetes.io/managed-by value (e.g. "Helm"), which our
// label replaces; failover restores it so Helm or a GitOps tool can adopt the
// object again.
inline constexpr std::string_view kOriginalManagedByAnnotation = "dr-syncer.io/original-managed-by";

// --- Written by per-kind transforms so failover can undo them ---

// Deployments, StatefulSets, ReplicaSets, ReplicationControllers: the
// source's spec.replicas (1 when absent, the API's default).
inline constexpr std::string_view kOriginalReplicasAnnotation = "dr-syncer.io/original-replicas";
// CronJobs and Jobs: the source's spec.suspend ("true" or "false").
inline constexpr std::string_view kOriginalSuspendAnnotation = "dr-syncer.io/original-suspend";
// DaemonSets: "true" on the copy, and the same key as a nodeSelector term of
// its pod template, which no node carries, so no pod is scheduled. Failover
// removes both. Never label a node with it.
inline constexpr std::string_view kDormantKey = "dr-syncer.io/dormant";
// HorizontalPodAutoscalers (autoscaling/v2): the source's spec.behavior as
// JSON ("" when it had none) and spec.minReplicas, which the copy changes.
inline constexpr std::string_view kOriginalBehaviorAnnotation = "dr-syncer.io/original-behavior";
inline constexpr std::string_view kOriginalMinReplicasAnnotation =
    "dr-syncer.io/original-min-replicas";
// PersistentVolumes: the source's persistentVolumeReclaimPolicy; copies are
// always Retain.
inline constexpr std::string_view kOriginalReclaimPolicyAnnotation =
    "dr-syncer.io/original-reclaim-policy";

}  // namespace drs::sync
