#include "controller/datasync/agent_manifests.h"

#include "base/base64.h"
#include "controller/datasync/names.h"
#include "sync/desired_hash.h"
#include "sync/keys.h"

namespace drs::controller::datasync {
namespace {

using nlohmann::json;

// Secret files readable by root only: sshd refuses a host key others can read.
constexpr int kSecretFileMode = 0400;
constexpr int kLivenessPeriodSeconds = 10;
constexpr int kReadinessPeriodSeconds = 5;
constexpr int kProbeFailureThreshold = 3;
// sshd stops accepting at once; in-flight transfers get this long to end
// (the mover resumes an interrupted one on its next run).
constexpr int kTerminationGraceSeconds = 30;

json Labels() {
  return {{sync::kManagedByLabel, sync::kManagedByValue},
          {kNameLabel, kAgentName},
          {kComponentLabel, kComponentAgent}};
}

json Metadata(const AgentSettings& s, std::string_view name, bool namespaced) {
  json m = {{"name", name},
            {"labels", Labels()},
            {"annotations", {{kRemoteClusterLabel, s.remote_cluster}}}};
  if (namespaced) m["namespace"] = kAgentNamespace;
  return m;
}

json Env(std::string_view name, std::string_view field) {
  return {{"name", name}, {"valueFrom", {{"fieldRef", {{"fieldPath", field}}}}}};
}

json Probe(std::string_view path, int period) {
  return {{"httpGet", {{"path", path}, {"port", "health"}}},
          {"periodSeconds", period},
          {"failureThreshold", kProbeFailureThreshold}};
}

json Container(const AgentSettings& s) {
  const std::string port = std::to_string(s.agent.ssh_port);
  const std::string health = std::to_string(kAgentHealthPort);
  json args =
      json::array({"run", "--listen-address=$(POD_IP)", "--port=" + port,
                   "--host-key-dir=" + std::string(kHostKeyDir),
                   "--access-file=" + std::string(kAccessDir) + "/" + std::string(kAccessFile),
                   "--kubelet-pods-dir=" + std::string(kKubeletPodsDir),
                   "--state-dir=" + std::string(kAgentStateDir),
                   "--health-address=$(POD_IP):" + health, "--node-name=$(NODE_NAME)"});
  // sshd runs as root (reading any volume with its ownership intact needs
  // it) with only the capabilities it uses: chroot and uid/gid switches for
  // privilege separation, reading every file, the login audit record.
  json security = {
      {"runAsUser", 0},
      {"allowPrivilegeEscalation", false},
      {"readOnlyRootFilesystem", true},
      {"capabilities",
       {{"drop", json::array({"ALL"})},
        {"add", {"AUDIT_WRITE", "DAC_READ_SEARCH", "SETGID", "SETUID", "SYS_CHROOT"}}}},
      {"seccompProfile", {{"type", "RuntimeDefault"}}}};
  json c = {{"name", "agent"},
            {"image", s.image},
            {"imagePullPolicy", "IfNotPresent"},
            {"command", json::array({kAgentBinary})},
            {"args", std::move(args)},
            {"env",
             {Env("NODE_NAME", "spec.nodeName"), Env("NODE_IP", "status.hostIP"),
              Env("POD_IP", "status.podIP")}},
            {"ports",
             {{{"name", "ssh"}, {"containerPort", s.agent.ssh_port}, {"protocol", "TCP"}},
              {{"name", "health"}, {"containerPort", kAgentHealthPort}, {"protocol", "TCP"}}}},
            {"livenessProbe", Probe("/healthz", kLivenessPeriodSeconds)},
            {"readinessProbe", Probe("/readyz", kReadinessPeriodSeconds)},
            {"securityContext", std::move(security)},
            {"terminationMessagePolicy", "FallbackToLogsOnError"},
            {"volumeMounts",
             {// HostToContainer: volumes mounted after the agent started are visible.
              {{"name", "kubelet-pods"},
               {"mountPath", kKubeletPodsDir},
               {"readOnly", true},
               {"mountPropagation", "HostToContainer"}},
              {{"name", "host-key"}, {"mountPath", kHostKeyDir}, {"readOnly", true}},
              {{"name", "access"}, {"mountPath", kAccessDir}, {"readOnly", true}},
              {{"name", "state"}, {"mountPath", kAgentStateDir}}}}};
  if (s.agent.resources.is_object() && !s.agent.resources.empty()) {
    c["resources"] = s.agent.resources;
  }
  return c;
}

json PodSpec(const AgentSettings& s) {
  json node_selector = {{"kubernetes.io/os", "linux"}};
  for (const auto& [k, v] : s.agent.node_selector) node_selector[k] = v;
  json spec = {{"serviceAccountName", kAgentName},
               {"automountServiceAccountToken", false},
               {"enableServiceLinks", false},
               {"hostNetwork", s.agent.host_network},
               {"dnsPolicy", s.agent.host_network ? "ClusterFirstWithHostNet" : "ClusterFirst"},
               {"nodeSelector", std::move(node_selector)},
               {"terminationGracePeriodSeconds", kTerminationGraceSeconds},
               {"containers", json::array({Container(s)})},
               {"volumes",
                {{{"name", "kubelet-pods"},
                  {"hostPath", {{"path", kKubeletPodsDir}, {"type", "Directory"}}}},
                 {{"name", "host-key"},
                  {"secret", {{"secretName", kHostKeySecret}, {"defaultMode", kSecretFileMode}}}},
                 {{"name", "access"},
                  {"secret", {{"secretName", kAccessSecret}, {"defaultMode", kSecretFileMode}}}},
                 {{"name", "state"}, {"emptyDir", {{"medium", "Memory"}}}}}}};
  if (s.agent.tolerations.is_array() && !s.agent.tolerations.empty()) {
    spec["tolerations"] = s.agent.tolerations;
  }
  if (!s.agent.priority_class_name.empty()) {
    spec["priorityClassName"] = s.agent.priority_class_name;
  }
  return spec;
}

}  // namespace

nlohmann::json AgentNamespace(const AgentSettings& settings) {
  return {{"apiVersion", "v1"},
          {"kind", "Namespace"},
          {"metadata", Metadata(settings, kAgentNamespace, false)}};
}

nlohmann::json AgentServiceAccount(const AgentSettings& settings) {
  return {{"apiVersion", "v1"},
          {"kind", "ServiceAccount"},
          {"metadata", Metadata(settings, kAgentName, true)},
          {"automountServiceAccountToken", false}};
}

nlohmann::json HostKeySecret(const AgentSettings& settings, const RingKey& host_key) {
  json m = Metadata(settings, kHostKeySecret, true);
  m["annotations"][kHostKeySerialAnnotation] = std::to_string(host_key.serial);
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", std::move(m)},
          {"type", "Opaque"},
          {"data",
           {{kHostKeyFile, Base64Encode(host_key.private_key.reveal())},
            {kHostKeyPubFile, Base64Encode(host_key.public_key + "\n")}}}};
}

nlohmann::json AccessSecret(const AgentSettings& settings, const nlohmann::json& access_document) {
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", Metadata(settings, kAccessSecret, true)},
          {"type", "Opaque"},
          {"data", {{kAccessFile, Base64Encode(access_document.dump())}}}};
}

nlohmann::json AgentDaemonSet(const AgentSettings& settings, std::int64_t host_key_serial) {
  json template_meta = {{"labels", Labels()}};
  json pod_template = {{"metadata", template_meta}, {"spec", PodSpec(settings)}};
  const std::string serial = std::to_string(host_key_serial);
  const std::string hash =
      sync::Sha256Hex(pod_template.dump() + "\n" + serial).substr(0, sync::kDesiredHashLength);
  pod_template["metadata"]["annotations"] = {{kAgentConfigHashAnnotation, hash},
                                             {kHostKeySerialAnnotation, serial}};
  return {
      {"apiVersion", "apps/v1"},
      {"kind", "DaemonSet"},
      {"metadata", Metadata(settings, kAgentName, true)},
      {"spec",
       {{"selector", {{"matchLabels", {{kNameLabel, kAgentName}}}}},
        {"updateStrategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxUnavailable", 1}}}}},
        {"template", std::move(pod_template)}}}};
}

std::string AgentPodSelector() { return std::string(kNameLabel) + "=" + std::string(kAgentName); }

}  // namespace drs::controller::datasync
