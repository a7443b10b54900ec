#pragma once
// Where the pod templates of the workload kinds live, so the transforms can
// clean them and the namespace rewrite can reach their containers:
//   Deployment, StatefulSet, DaemonSet, ReplicaSet (apps),
//   ReplicationController (core), Job (batch)      spec.template
//   CronJob (batch)                                  spec.jobTemplate.spec.template
//   PodTemplate (core)                               template
//
// Thread-safety: pure functions over caller-owned values.

#include <vector>

#include <nlohmann/json.hpp>

namespace drs::sync::internal {

// The pod template objects of `obj` (a PodTemplateSpec: metadata + spec);
// empty for other kinds or when the path is missing or not an object.
std::vector<nlohmann::json*> PodTemplates(nlohmann::json& obj);

// The container lists (containers, initContainers) of a pod template; entries
// that are not arrays are left out.
std::vector<nlohmann::json*> ContainerLists(nlohmann::json& pod_template);

// Drops metadata.creationTimestamp (null in every template the API server
// returns) from each pod template of `obj` and from a CronJob's jobTemplate:
// it says nothing, and the desired form should hold only what we mean.
void CleanTemplateMetadata(nlohmann::json& obj);

}  // namespace drs::sync::internal
