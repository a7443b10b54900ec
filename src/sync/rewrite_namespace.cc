#include "sync/rewrite_namespace.h"

#include "kube/object.h"
#include "sync/json_util.h"
#include "sync/pod_templates.h"

namespace drs::sync {
namespace {

using internal::Find;
using internal::FindArray;
using internal::FindObject;
using internal::StringAt;
using nlohmann::json;

constexpr std::string_view kSvcLabel = "svc";

// Characters of a DNS label, plus '_' (SRV names such as _http._tcp.web).
bool IsLabelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

void RewriteString(json& value, std::string_view from, std::string_view to) {
  if (value.is_string()) value = RewriteServiceHosts(value.get_ref<const std::string&>(), from, to);
}

void RewriteStrings(json* array, std::string_view from, std::string_view to) {
  if (array == nullptr || !array->is_array()) return;
  for (json& item : *array) RewriteString(item, from, to);
}

void RewriteContainers(json& obj, std::string_view from, std::string_view to) {
  for (json* pod_template : internal::PodTemplates(obj)) {
    for (json* containers : internal::ContainerLists(*pod_template)) {
      for (json& container : *containers) {
        RewriteStrings(Find(container, "command"), from, to);
        RewriteStrings(Find(container, "args"), from, to);
        json* env = FindArray(container, "env");
        if (env == nullptr) continue;
        for (json& var : *env) {
          if (json* value = Find(var, "value")) RewriteString(*value, from, to);
        }
      }
    }
  }
}

void RewriteSubjects(json& binding, std::string_view from, std::string_view to) {
  json* subjects = FindArray(binding, "subjects");
  if (subjects == nullptr) return;
  for (json& subject : *subjects) {
    if (StringAt(subject, "kind") == "ServiceAccount" && StringAt(subject, "namespace") == from) {
      subject["namespace"] = std::string(to);
    }
  }
}

}  // namespace

std::string RewriteServiceHosts(std::string_view text, std::string_view from, std::string_view to) {
  // The needle ".<from>.svc" must sit between a name label and the end of the
  // "svc" label.
  const std::string needle = "." + std::string(from) + "." + std::string(kSvcLabel);
  std::string out;
  std::size_t copied = 0;
  for (std::size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + 1)) {
    const std::size_t after = at + needle.size();
    const bool has_name = at > 0 && IsLabelChar(text[at - 1]);
    const bool svc_ends = after == text.size() || !IsLabelChar(text[after]);
    if (!has_name || !svc_ends) continue;
    out.append(text.substr(copied, at + 1 - copied));  // up to and including the '.'
    out.append(to);
    copied = at + 1 + from.size();
  }
  out.append(text.substr(copied));
  return out;
}

void RewriteNamespaceReferences(json& desired, std::string_view from, std::string_view to) {
  if (from.empty() || from == to) return;
  const std::string group = internal::GroupOf(desired);
  const std::string kind = kube::Kind(desired);
  if (group.empty() && kind == "ConfigMap") {
    if (json* data = FindObject(desired, "data")) {
      for (auto& item : data->items()) RewriteString(item.value(), from, to);
    }
  } else if (group.empty() && kind == "Service") {
    if (json* spec = FindObject(desired, "spec")) {
      if (json* external = Find(*spec, "externalName")) RewriteString(*external, from, to);
    }
  } else if (group == "rbac.authorization.k8s.io" &&
             (kind == "RoleBinding" || kind == "ClusterRoleBinding")) {
    RewriteSubjects(desired, from, to);
  }
  RewriteContainers(desired, from, to);
}

}  // namespace drs::sync
