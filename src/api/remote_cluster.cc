#include "api/remote_cluster.h"

#include <utility>

#include "api/json_reader.h"
#include "api/validation.h"
#include "base/rfc3339.h"

namespace drs::api {

using nlohmann::json;

namespace {

constexpr std::int32_t kMaxPort = 65535;
// The CRD's maxLength/maxItems/maxProperties.
constexpr std::size_t kMaxContextLength = 253;
constexpr std::size_t kMaxImageLength = 512;
constexpr std::size_t kMaxResourceTypes = 256;
constexpr std::size_t kMaxNodeSelectorEntries = 64;
constexpr std::size_t kMaxTolerations = 64;

void ReadAgent(ObjectReader r, AgentSpec& out) {
  r.String("image", out.image);
  r.Int32("sshPort", out.ssh_port);
  r.StringMap("nodeSelector", out.node_selector);
  if (const json* t = r.Get("tolerations")) {
    if (t->is_array()) {
      out.tolerations = *t;
    } else {
      r.errors().Add(r.PathOf("tolerations"), "must be a list");
    }
  }
  if (const json* res = r.Get("resources")) {
    if (res->is_object()) {
      out.resources = *res;
    } else {
      r.errors().Add(r.PathOf("resources"), "must be an object");
    }
  }
  r.String("priorityClassName", out.priority_class_name);
  r.Bool("hostNetwork", out.host_network);
}

void ReadSpec(ObjectReader& r, std::string_view object_namespace, RemoteClusterSpec& out) {
  ObjectReader ref = r.Object("kubeconfigSecretRef");
  if (!ref.present() && !r.Has("kubeconfigSecretRef")) {
    r.errors().AddRequired(r.PathOf("kubeconfigSecretRef"));
  }
  ref.String("name", out.kubeconfig_secret_ref.name);
  ref.String("namespace", out.kubeconfig_secret_ref.ns);
  if (out.kubeconfig_secret_ref.ns.empty()) out.kubeconfig_secret_ref.ns = object_namespace;
  ref.String("key", out.kubeconfig_secret_ref.key);
  r.String("context", out.context);
  r.String("defaultSchedule", out.default_schedule);
  r.StringList("defaultResourceTypes", out.default_resource_types);
  r.Number("qps", out.qps);
  r.Int32("burst", out.burst);
  r.GoDuration("probeInterval", out.probe_interval);
  ObjectReader pvc = r.Object("pvcSync");
  pvc.Bool("enabled", out.pvc_sync.enabled);
  ReadAgent(pvc.Object("agent"), out.pvc_sync.agent);
  pvc.GoDuration("keyRotationInterval", out.pvc_sync.key_rotation_interval);
}

void ReadStatus(ObjectReader& r, RemoteClusterStatus& out) {
  r.Int64("observedGeneration", out.observed_generation);
  ReadConditions(r, "conditions", out.conditions);
  r.String("serverVersion", out.server_version);
  r.Time("lastProbeTime", out.last_probe_time);
  ObjectReader agents = r.Object("agents");
  if (agents.present()) {
    AgentCounts counts;
    agents.Int32("desired", counts.desired);
    agents.Int32("ready", counts.ready);
    agents.Int32("reachable", counts.reachable);
    out.agents = counts;
  }
  r.String("lastHandledKeyRotation", out.last_handled_key_rotation);
  r.Time("lastKeyRotationTime", out.last_key_rotation_time);
  r.String("message", out.message);
}

}  // namespace

Result<RemoteCluster> RemoteClusterFromJson(const json& object) {
  if (!object.is_object()) return InvalidError("a RemoteCluster must be a JSON object");
  FieldErrors errors;
  ObjectReader r(&object, "", &errors);
  RemoteCluster out;
  ReadObjectMeta(r, out.metadata);
  if (!r.Has("spec")) errors.AddRequired("spec");
  ObjectReader spec = r.Object("spec");
  ReadSpec(spec, out.metadata.ns, out.spec);
  ObjectReader status = r.Object("status");
  ReadStatus(status, out.status);
  DRS_RETURN_IF_ERROR(errors.ToStatus());
  return out;
}

Result<RemoteClusterSpec> RemoteClusterSpecFromJson(const json& spec,
                                                    std::string_view object_namespace) {
  FieldErrors errors;
  ObjectReader r(&spec, "spec", &errors);
  RemoteClusterSpec out;
  ReadSpec(r, object_namespace, out);
  DRS_RETURN_IF_ERROR(errors.ToStatus());
  return out;
}

Result<RemoteClusterStatus> RemoteClusterStatusFromJson(const json& status) {
  FieldErrors errors;
  ObjectReader r(&status, "status", &errors);
  RemoteClusterStatus out;
  ReadStatus(r, out);
  DRS_RETURN_IF_ERROR(errors.ToStatus());
  return out;
}

json ToJson(const RemoteClusterSpec& spec) {
  json ref = {{"name", spec.kubeconfig_secret_ref.name}, {"key", spec.kubeconfig_secret_ref.key}};
  if (!spec.kubeconfig_secret_ref.ns.empty()) ref["namespace"] = spec.kubeconfig_secret_ref.ns;
  json out = {{"kubeconfigSecretRef", std::move(ref)},
              {"qps", spec.qps},
              {"burst", spec.burst},
              {"probeInterval", FormatDurationShort(spec.probe_interval)}};
  if (!spec.context.empty()) out["context"] = spec.context;
  if (!spec.default_schedule.empty()) out["defaultSchedule"] = spec.default_schedule;
  if (!spec.default_resource_types.empty()) {
    out["defaultResourceTypes"] = spec.default_resource_types;
  }
  const AgentSpec& a = spec.pvc_sync.agent;
  json agent = {{"sshPort", a.ssh_port}, {"hostNetwork", a.host_network}};
  if (!a.image.empty()) agent["image"] = a.image;
  if (!a.node_selector.empty()) agent["nodeSelector"] = a.node_selector;
  if (!a.tolerations.empty()) agent["tolerations"] = a.tolerations;
  if (!a.resources.empty()) agent["resources"] = a.resources;
  if (!a.priority_class_name.empty()) agent["priorityClassName"] = a.priority_class_name;
  out["pvcSync"] = {
      {"enabled", spec.pvc_sync.enabled},
      {"agent", std::move(agent)},
      {"keyRotationInterval", FormatDurationShort(spec.pvc_sync.key_rotation_interval)}};
  return out;
}

json ToJson(const RemoteClusterStatus& status) {
  json out = json::object();
  if (status.observed_generation != 0) out["observedGeneration"] = status.observed_generation;
  if (!status.conditions.empty()) out["conditions"] = ConditionsToJson(status.conditions);
  if (!status.server_version.empty()) out["serverVersion"] = status.server_version;
  if (status.last_probe_time) out["lastProbeTime"] = FormatRfc3339(*status.last_probe_time);
  if (status.agents) {
    out["agents"] = {{"desired", status.agents->desired},
                     {"ready", status.agents->ready},
                     {"reachable", status.agents->reachable},
                     {"summary", std::to_string(status.agents->ready) + "/" +
                                     std::to_string(status.agents->desired)}};
  }
  if (!status.last_handled_key_rotation.empty()) {
    out["lastHandledKeyRotation"] = status.last_handled_key_rotation;
  }
  if (status.last_key_rotation_time) {
    out["lastKeyRotationTime"] = FormatRfc3339(*status.last_key_rotation_time);
  }
  if (!status.message.empty()) out["message"] = status.message;
  return out;
}

Status Validate(const RemoteClusterSpec& spec) {
  FieldErrors errors;
  const KubeconfigSecretRef& ref = spec.kubeconfig_secret_ref;
  if (ref.name.empty()) {
    errors.AddRequired("spec.kubeconfigSecretRef.name");
  } else {
    CheckDnsSubdomain(errors, "spec.kubeconfigSecretRef.name", ref.name);
  }
  if (!ref.ns.empty()) CheckDnsLabel(errors, "spec.kubeconfigSecretRef.namespace", ref.ns);
  CheckSecretKey(errors, "spec.kubeconfigSecretRef.key", ref.key);
  if (spec.context.size() > kMaxContextLength) {
    errors.Add("spec.context", "must be at most 253 characters");
  }
  if (!spec.default_schedule.empty()) {
    CheckCron(errors, "spec.defaultSchedule", spec.default_schedule);
  }
  if (spec.default_resource_types.size() > kMaxResourceTypes) {
    errors.Add("spec.defaultResourceTypes", "must have at most 256 items");
  }
  for (std::size_t i = 0; i < spec.default_resource_types.size(); ++i) {
    CheckResourceType(errors, IndexPath("spec.defaultResourceTypes", i),
                      spec.default_resource_types[i], true);
  }
  if (!(spec.qps > 0)) errors.Add("spec.qps", "must be greater than 0");
  if (spec.burst < 1) errors.Add("spec.burst", "must be at least 1");
  CheckMinDuration(errors, "spec.probeInterval", spec.probe_interval, kMinProbeInterval);
  const AgentSpec& agent = spec.pvc_sync.agent;
  if (agent.image.size() > kMaxImageLength ||
      agent.image.find_first_of(" \t\n\r\f") != std::string::npos) {
    errors.Add("spec.pvcSync.agent.image",
               "must be an image reference without whitespace, at most 512 characters");
  }
  if (agent.node_selector.size() > kMaxNodeSelectorEntries) {
    errors.Add("spec.pvcSync.agent.nodeSelector", "must have at most 64 entries");
  }
  if (agent.tolerations.size() > kMaxTolerations) {
    errors.Add("spec.pvcSync.agent.tolerations", "must have at most 64 items");
  }
  if (agent.ssh_port < 1 || agent.ssh_port > kMaxPort) {
    errors.Add("spec.pvcSync.agent.sshPort", "must be between 1 and 65535");
  }
  for (const auto& [key, value] : agent.node_selector) {
    const std::string path = "spec.pvcSync.agent.nodeSelector." + key;
    CheckLabelKey(errors, path, key);
    CheckLabelValue(errors, path, value);
  }
  for (std::size_t i = 0; i < agent.tolerations.size(); ++i) {
    if (!agent.tolerations[i].is_object()) {
      errors.Add(IndexPath("spec.pvcSync.agent.tolerations", i), "must be an object");
    }
  }
  if (!agent.priority_class_name.empty()) {
    CheckDnsSubdomain(errors, "spec.pvcSync.agent.priorityClassName", agent.priority_class_name);
  }
  CheckMinDuration(errors, "spec.pvcSync.keyRotationInterval", spec.pvc_sync.key_rotation_interval,
                   kMinKeyRotationInterval);
  return errors.ToStatus();
}

}  // namespace drs::api
