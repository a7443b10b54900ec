#include "sync/pod_templates.h"

#include <string>

#include "kube/object.h"
#include "sync/json_util.h"

namespace drs::sync::internal {

using nlohmann::json;

namespace {

json* Path(json& obj, std::initializer_list<std::string_view> keys) {
  json* at = &obj;
  for (std::string_view key : keys) {
    at = FindObject(*at, key);
    if (at == nullptr) return nullptr;
  }
  return at;
}

json* JobTemplate(json& obj) {
  const std::string group = GroupOf(obj);
  return group == "batch" && kube::Kind(obj) == "CronJob" ? Path(obj, {"spec", "jobTemplate"})
                                                          : nullptr;
}

void DropCreationTimestamp(json* with_metadata) {
  if (with_metadata == nullptr) return;
  json* metadata = FindObject(*with_metadata, "metadata");
  if (metadata == nullptr) return;
  metadata->erase("creationTimestamp");
  if (metadata->empty()) with_metadata->erase("metadata");
}

}  // namespace

std::vector<json*> PodTemplates(json& obj) {
  const std::string group = GroupOf(obj);
  const std::string kind = kube::Kind(obj);
  json* found = nullptr;
  if ((group == "apps" && (kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" ||
                           kind == "ReplicaSet")) ||
      (group.empty() && kind == "ReplicationController") || (group == "batch" && kind == "Job")) {
    found = Path(obj, {"spec", "template"});
  } else if (group == "batch" && kind == "CronJob") {
    found = Path(obj, {"spec", "jobTemplate", "spec", "template"});
  } else if (group.empty() && kind == "PodTemplate") {
    found = Path(obj, {"template"});
  }
  if (found == nullptr) return {};
  return {found};
}

std::vector<json*> ContainerLists(json& pod_template) {
  std::vector<json*> lists;
  json* spec = FindObject(pod_template, "spec");
  if (spec == nullptr) return lists;
  for (std::string_view key : {"initContainers", "containers"}) {
    if (json* list = FindArray(*spec, key)) lists.push_back(list);
  }
  return lists;
}

void CleanTemplateMetadata(json& obj) {
  for (json* pod_template : PodTemplates(obj)) DropCreationTimestamp(pod_template);
  DropCreationTimestamp(JobTemplate(obj));
}

}  // namespace drs::sync::internal
