#include "sync/selection.h"

#include <map>
#include <set>
#include <utility>

#include "kube/object.h"
#include "sync/glob.h"
#include "sync/json_util.h"
#include "sync/keys.h"

namespace drs::sync {
namespace {

using internal::EqualsIgnoreCase;
using internal::GroupOf;
using nlohmann::json;

// The kinds the cluster makes in every namespace, or as a by-product of
// other objects, keyed by (group, kind).
std::optional<std::string> ClusterMadeKind(const std::string& group, const std::string& kind) {
  static const std::map<std::pair<std::string, std::string>, std::string> kReasons = {
      {{"", "Event"}, "Events are records of the source cluster"},
      {{"events.k8s.io", "Event"}, "Events are records of the source cluster"},
      {{"", "Endpoints"}, "Endpoints are made by the cluster from Services"},
      {{"discovery.k8s.io", "EndpointSlice"},
       "EndpointSlices are made by the cluster from Services"},
      {{"coordination.k8s.io", "Lease"},
       "Leases are live locks of processes in the source cluster"},
      {{"apps", "ControllerRevision"},
       "ControllerRevisions are made by the StatefulSet and DaemonSet controllers"},
      {{"storage.k8s.io", "CSIStorageCapacity"},
       "CSIStorageCapacities are published by CSI drivers"},
  };
  if (const auto it = kReasons.find({group, kind}); it != kReasons.end()) return it->second;
  if (group == "metrics.k8s.io") return "metrics.k8s.io readings are not stored objects";
  if (group == "dr-syncer.io") {
    return "dr-syncer's own objects are not copied: a copied Replication would sync from the DR "
           "site";
  }
  return std::nullopt;
}

// Objects of otherwise copied kinds that the cluster makes itself.
std::optional<std::string> ClusterMadeObject(const json& obj, const std::string& group,
                                             const std::string& kind) {
  if (!group.empty()) return std::nullopt;
  const std::string name = kube::Name(obj);
  if (kind == "Secret" &&
      internal::StringAt(obj, "type") == "kubernetes.io/service-account-token") {
    return "a ServiceAccount token Secret: the DR cluster mints its own";
  }
  if (kind == "ConfigMap" && name == "kube-root-ca.crt") {
    return "kube-root-ca.crt is published into every namespace by the cluster";
  }
  if (kind == "ServiceAccount" && name == "default") {
    return "the default ServiceAccount is made in every namespace by the cluster";
  }
  return std::nullopt;
}

std::optional<std::string> ControllerOwned(const json& obj, const std::string& group,
                                           const std::string& kind) {
  if (group.empty() && kind == "PersistentVolumeClaim") return std::nullopt;
  for (const kube::OwnerReference& owner : kube::OwnerReferences(obj)) {
    if (owner.controller) {
      return "managed by its controller " + owner.kind + " " + owner.name +
             ", which is copied and recreates it";
    }
  }
  return std::nullopt;
}

bool IsFinishedJob(const json& obj) {
  const json* status = internal::FindObject(obj, "status");
  const json* conditions = status == nullptr ? nullptr : internal::Find(*status, "conditions");
  if (conditions == nullptr || !conditions->is_array()) return false;
  for (const json& condition : *conditions) {
    const std::string type = internal::StringAt(condition, "type");
    if ((type == "Complete" || type == "Failed") &&
        internal::StringAt(condition, "status") == "True") {
      return true;
    }
  }
  return false;
}

bool IsTrue(const std::map<std::string, std::string>& map, std::string_view key) {
  const auto it = map.find(std::string(key));
  return it != map.end() && EqualsIgnoreCase(it->second, "true");
}

// Does the rule's kind part name obj's type?
bool RuleMatchesType(std::string_view rule_kind, const std::string& group, const std::string& kind,
                     std::string_view resource) {
  if (rule_kind == "*") return true;
  const std::size_t dot = rule_kind.find('.');
  const std::string_view head = rule_kind.substr(0, dot);
  if (dot != std::string_view::npos && !EqualsIgnoreCase(rule_kind.substr(dot + 1), group)) {
    return false;
  }
  return EqualsIgnoreCase(head, kind) || EqualsIgnoreCase(head, resource);
}

std::string DescribeRule(const ExcludeRule& rule) {
  return "excluded by the rule {kind: " + rule.kind + ", namePattern: " + rule.name_pattern + "}";
}

}  // namespace

std::string GuessResource(std::string_view kind) {
  std::string plural = internal::AsciiLower(kind);
  if (plural.empty()) return plural;
  if (plural.back() == 's') return plural + "es";
  if (plural.back() == 'y') return plural.substr(0, plural.size() - 1) + "ies";
  return plural + "s";
}

std::optional<std::string> SkipReason(const json& obj, const SelectionOptions& options,
                                      std::string_view resource) {
  const std::string group = GroupOf(obj);
  const std::string kind = kube::Kind(obj);
  const auto labels = kube::Labels(obj);

  if (kube::IsBeingDeleted(obj)) return "being deleted";
  if (const auto it = labels.find(std::string(kManagedByLabel));
      it != labels.end() && it->second == kManagedByValue) {
    return "a DR copy made by dr-syncer (app.kubernetes.io/managed-by=dr-syncer)";
  }
  if (IsTrue(labels, kIgnoreKey) || IsTrue(kube::Annotations(obj), kIgnoreKey)) {
    return "marked dr-syncer.io/ignore";
  }
  if (auto reason = ClusterMadeKind(group, kind)) return reason;
  if (auto reason = ClusterMadeObject(obj, group, kind)) return reason;
  if (auto reason = ControllerOwned(obj, group, kind)) return reason;
  if (group.empty() && kind == "Pod")
    return "bare Pods are not copied: they cannot be kept dormant";
  if (group == "batch" && kind == "Job" && IsFinishedJob(obj)) {
    return "a finished Job: its copy would run again on failover";
  }

  const std::string guessed = resource.empty() ? GuessResource(kind) : std::string(resource);
  const std::string name = kube::Name(obj);
  for (const ExcludeRule& rule : options.exclude) {
    if (RuleMatchesType(rule.kind, group, kind, guessed) && GlobMatch(rule.name_pattern, name)) {
      return DescribeRule(rule);
    }
  }
  if (options.label_selector.has_value() && !options.label_selector->Matches(labels)) {
    return "labels do not match the selector \"" + options.label_selector->ToString() + "\"";
  }
  return std::nullopt;
}

bool IsSystemResourceType(const kube::GroupResource& type) {
  static const std::set<std::pair<std::string, std::string>> kNeverCopied = {
      {"", "events"},
      {"", "endpoints"},
      {"", "pods"},
      {"", "bindings"},
      {"", "componentstatuses"},
      {"events.k8s.io", "events"},
      {"discovery.k8s.io", "endpointslices"},
      {"coordination.k8s.io", "leases"},
      {"apps", "controllerrevisions"},
      {"storage.k8s.io", "csistoragecapacities"},
      {"authentication.k8s.io", "tokenreviews"},
      {"authentication.k8s.io", "selfsubjectreviews"},
      {"authorization.k8s.io", "localsubjectaccessreviews"},
      {"authorization.k8s.io", "selfsubjectaccessreviews"},
      {"authorization.k8s.io", "selfsubjectrulesreviews"},
      {"authorization.k8s.io", "subjectaccessreviews"},
  };
  if (type.resource.find('/') != std::string::npos) return true;  // a subresource
  if (type.group == "metrics.k8s.io" || type.group == "dr-syncer.io") return true;
  return kNeverCopied.contains({type.group, type.resource});
}

}  // namespace drs::sync
