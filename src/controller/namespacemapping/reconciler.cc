#include "controller/namespacemapping/reconciler.h"

#include "api/condition.h"
#include "api/group.h"
#include "api/namespace_mapping.h"
#include "kube/object.h"
#include "sync/namespace_sync.h"

namespace drs::controller {
Result<runtime::ReconcileResult> NamespaceMappingReconciler::Reconcile(const std::string& key,
                                                                       std::stop_token stop) {
  const runtime::ObjectPtr mapping = mappings_.Get(key);
  if (!mapping) return runtime::ReconcileResult{};  // its Replication is garbage-collected
  const std::string ns = kube::Namespace(*mapping);
  const std::string name = kube::Name(*mapping);
  auto replication = api::ReplicationFromNamespaceMapping(*mapping);
  if (!replication.ok()) {
    DRS_RETURN_IF_ERROR(
        WriteCondition(*mapping, false, "ConversionFailed", replication.error().message(), stop));
    return runtime::ReconcileResult{};
  }
  auto existing = local_.Get(api::kReplications, ns, name, stop);
  if (existing.ok()) {
    const auto labels = kube::Labels(*existing);
    auto from = labels.find(std::string(api::kFromNamespaceMappingLabel));
    if (from == labels.end() || from->second != name) {
      DRS_RETURN_IF_ERROR(WriteCondition(*mapping, false, "ReplicationExists",
                                         "a Replication " + ns + "/" + name +
                                             " that did not come from this NamespaceMapping "
                                             "already exists; it is left alone",
                                         stop));
      return runtime::ReconcileResult{};
    }
  } else if (existing.error().code() != ErrorCode::kNotFound) {
    return std::move(existing).error();
  }
  auto applied =
      local_.Apply(api::kReplications, ns, *replication,
                   {.field_manager = std::string(sync::kFieldManager), .force = true}, "", stop);
  if (!applied.ok())
    return std::move(applied).error().WithContext("converting NamespaceMapping " + key);
  DRS_RETURN_IF_ERROR(WriteCondition(*mapping, true, "ConvertedToReplication",
                                     "NamespaceMapping is deprecated: it now runs as Replication " +
                                         name + "; see docs/migration-namespacemapping.md",
                                     stop));
  return runtime::ReconcileResult{};
}

Status NamespaceMappingReconciler::WriteCondition(const nlohmann::json& mapping, bool converted,
                                                  const std::string& reason,
                                                  const std::string& message,
                                                  std::stop_token stop) {
  nlohmann::json status = mapping.value("status", nlohmann::json::object());
  std::vector<api::Condition> conditions;
  if (auto parsed = api::ConditionsFromJson(status.value("conditions", nlohmann::json::array()));
      parsed.ok()) {
    conditions = std::move(parsed).value();
  }
  const bool changed =
      api::SetCondition(conditions,
                        api::Condition{.type = std::string(api::kConditionDeprecated),
                                       .status = converted ? api::ConditionStatus::kTrue
                                                           : api::ConditionStatus::kFalse,
                                       .reason = reason,
                                       .message = message,
                                       .observed_generation = kube::Generation(mapping)},
                        clock_.WallNow());
  nlohmann::json ref = converted ? nlohmann::json{{"name", kube::Name(mapping)}} : nlohmann::json();
  if (!changed && status.value("replicationRef", nlohmann::json()) == ref) return OkStatus();
  status["conditions"] = api::ConditionsToJson(conditions);
  if (converted) {
    status["replicationRef"] = ref;
  } else {
    status.erase("replicationRef");
    events_.Event(mapping, runtime::EventType::kWarning, reason, message);
  }
  nlohmann::json updated = mapping;
  updated["status"] = status;
  auto r =
      local_.UpdateStatus(api::kNamespaceMappings, kube::Namespace(mapping), updated, {}, stop);
  if (!r.ok()) return std::move(r).error();
  return OkStatus();
}

}  // namespace drs::controller
