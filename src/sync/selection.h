#pragma once
// Selection: which source objects a Replication copies. The engine lists each
// resource type of the source namespace and asks SkipReason about every
// object; those with a reason are counted as skipped (and their DR copies,
// if any, pruned), the rest go to Transform (transform.h).
//
// An object is skipped, with the first reason that applies, when it is:
//  1. being deleted (metadata.deletionTimestamp set);
//  2. itself a DR copy: label app.kubernetes.io/managed-by=dr-syncer. This
//     stops ping-pong when two Replications copy A->B and B->A;
//  3. marked dr-syncer.io/ignore: "true" (label or annotation, any case);
//  4. made by the cluster itself, so the DR cluster makes its own:
//     ServiceAccount token Secrets, ConfigMap kube-root-ca.crt, ServiceAccount
//     "default", Endpoints, EndpointSlices, Events (core and events.k8s.io),
//     Leases, ControllerRevisions, CSIStorageCapacities, metrics.k8s.io
//     readings, and dr-syncer.io objects (our own configuration: a copied
//     Replication would start syncing from the DR site);
//  5. managed by a controller: an ownerReference with controller: true (Pods
//     of ReplicaSets, ReplicaSets of Deployments, Jobs of CronJobs, objects
//     of operators). The owner is copied and recreates it once active, and a
//     copy would be orphaned anyway, as owner UIDs differ between clusters.
//     PersistentVolumeClaims are the exception: a StatefulSet owns its claims
//     under a Delete retention policy, yet the DR claims must exist, holding
//     replicated data, while the DR StatefulSet sits at 0 replicas;
//  6. a bare Pod: it cannot be kept dormant (a Pod has no replicas);
//  7. a finished Job (condition Complete or Failed): its copy would run the
//     Job again on failover. Standalone unfinished Jobs are copied suspended;
//  8. excluded by a rule of SelectionOptions::exclude;
//  9. not matched by SelectionOptions::label_selector.
//
// Thread-safety: pure functions over caller-owned values.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kube/group_version.h"
#include "kube/label_selector.h"

namespace drs::sync {

// A Replication's exclude entry.
struct ExcludeRule {
  // "*" for any type; a kind ("Secret", any case); a resource type
  // ("secrets"); either followed by ".<group>" to require that API group
  // ("deployments.apps", "Widget.example.com"). Without a group, any group.
  std::string kind;
  // A glob over metadata.name (glob.h).
  std::string name_pattern;
  friend bool operator==(const ExcludeRule&, const ExcludeRule&) = default;
};

struct SelectionOptions {
  // Absent: every object. Present: only objects whose labels match.
  std::optional<kube::LabelSelector> label_selector;
  std::vector<ExcludeRule> exclude;
};

// Why `obj`, read from the source cluster, is not copied; nullopt when it is.
// `resource` is the plural resource name the engine listed it under
// ("deployments"), which exclude rules may name; when empty it is guessed from
// the kind as kubectl does ("Ingress" -> "ingresses", "Policy" -> "policies").
// The reason is a short sentence for status and logs; it never quotes data.
std::optional<std::string> SkipReason(const nlohmann::json& obj, const SelectionOptions& options,
                                      std::string_view resource = "");

// True for resource types that are never copied, even with resourceTypes
// ["*"]: the engine drops them from discovery's list. They are types whose
// objects the cluster makes (events, endpoints, endpointslices, leases,
// controllerrevisions, csistoragecapacities), that cannot be stored
// (subresources such as "pods/log", bindings, componentstatuses, token and
// access reviews, metrics.k8s.io), pods (every Pod is skipped, see above; not
// listing them spares the biggest LIST of a namespace), and dr-syncer.io.
// ReplicaSets and Jobs are listed: bare ReplicaSets and standalone Jobs are
// copied dormant, owned ones are skipped object by object.
bool IsSystemResourceType(const kube::GroupResource& type);

// kubectl's guess of a kind's resource name (client-go's
// UnsafeGuessKindToResource): lowercase, then "s" -> "ses", "y" -> "ies",
// else + "s".
std::string GuessResource(std::string_view kind);

}  // namespace drs::sync
