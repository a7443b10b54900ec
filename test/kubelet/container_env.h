#pragma once
// The environment of a container as the kubelet builds it: envFrom
// (ConfigMaps and Secrets, with prefix), then env entries in order — literal
// values with $(VAR) expansion against what is defined before them, and
// valueFrom: fieldRef (metadata.name/namespace/uid/labels/annotations,
// spec.nodeName, spec.serviceAccountName, status.hostIP(s), status.podIP(s)),
// resourceFieldRef, secretKeyRef and configMapKeyRef (optional honoured).
// On top of what an image would give: PATH (Debian's default) and HOSTNAME.
// Service-link variables (KUBERNETES_SERVICE_HOST, ...) are not set: the
// bed's Services route nowhere.
//
// Values may come from Secrets, so they are SecretBytes and never logged.
//
// Thread-safety: pure functions over the caller's objects.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "base/secret_bytes.h"
#include "kubelet/object_lookup.h"

namespace drs::kubelet {

inline constexpr char kDefaultPath[] =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// What the kubelet knows about the pod beyond its spec.
struct PodContext {
  std::string node_name;
  std::string host_ip;
  std::string pod_ip;
  std::string hostname;  // the pod's hostname (the node's for hostNetwork pods)
  // The node's allocatable CPU and memory: resourceFieldRef's value for a
  // limit the container does not set.
  std::string node_cpu = "4";
  std::string node_memory = "8Gi";
};

struct EnvVar {
  std::string name;
  SecretBytes value;
};

// The whole environment, in Kubernetes' order. Errors (a missing Secret or
// key that is not optional, an unsupported fieldPath) name the variable and
// the object; the kubelet reports them as CreateContainerConfigError.
Result<std::vector<EnvVar>> BuildContainerEnv(const nlohmann::json& pod,
                                              const nlohmann::json& container,
                                              const PodContext& context,
                                              const ObjectLookup& lookup);

// A downward API fieldRef's value (shared by env and downwardAPI volumes).
Result<std::string> FieldRefValue(const nlohmann::json& pod, std::string_view field_path,
                                  const PodContext& context);

// A resourceFieldRef's value for `container` ("limits.cpu", divisor "1m").
Result<std::string> ResourceFieldValue(const nlohmann::json& container, std::string_view resource,
                                       std::string_view divisor, const PodContext& context);

// command/args with $(VAR) expanded against `env`.
std::vector<std::string> ExpandArgs(const std::vector<std::string>& args,
                                    const std::vector<EnvVar>& env);

// The bytes of one key of a Secret (data, base64) or ConfigMap (data, then
// binaryData); nullopt-like NotFound when absent.
Result<std::string> SecretValue(const nlohmann::json& secret, const std::string& key);
Result<std::string> ConfigMapValue(const nlohmann::json& config_map, const std::string& key);

}  // namespace drs::kubelet
