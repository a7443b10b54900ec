#pragma once
// Namespace rewrite: when a Replication copies namespace `from` into a
// differently named namespace `to`, references to `from` inside objects would
// point the DR copy back at the source namespace's names. These are rewritten
// (and nothing else):
//
//  - Service DNS names "<name>.<from>.svc", with anything after ".svc" kept
//    (".svc.cluster.local", ":5432", "/path"), wherever they appear in:
//      ConfigMap data values (binaryData is not touched);
//      env[].value, command[] and args[] of the containers and
//        initContainers of pod templates (Deployment, StatefulSet, DaemonSet,
//        ReplicaSet, ReplicationController, Job, CronJob's jobTemplate,
//        PodTemplate);
//      spec.externalName of ExternalName Services.
//    Whole DNS labels only: "<from>" must be a label of its own between a
//    non-empty name and "svc" ending its label, so with from = "shop",
//    "web.shopping.svc", "web.myshop.svc", "shop.svc" and "web.shop.svcx" are
//    left alone. Matching is case-sensitive (namespaces are lowercase). The
//    short form "<name>.<from>" (no ".svc") is not rewritten: it cannot be
//    told apart from ordinary hostnames.
//  - RoleBinding and ClusterRoleBinding subjects of kind ServiceAccount whose
//    namespace is `from`: namespace = `to`.
//
// Secrets are not rewritten: their values may be binary (keystores, DER
// certificates), where a change of length corrupts the whole value.
// Ingress backends, HPA targets and volume claims name objects of their own
// namespace and need nothing.
//
// Thread-safety: pure functions over caller-owned values.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace drs::sync {

// `text` with every "<name>.<from>.svc" reference turned into
// "<name>.<to>.svc" (rules above). REQUIRES: from not empty.
std::string RewriteServiceHosts(std::string_view text, std::string_view from, std::string_view to);

// Applies every rule above to `desired` in place; a no-op when `from` is
// empty or equals `to`, and on fields that are missing or mistyped.
void RewriteNamespaceReferences(nlohmann::json& desired, std::string_view from,
                                std::string_view to);

}  // namespace drs::sync
