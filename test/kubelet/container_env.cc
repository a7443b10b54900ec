#include "kubelet/container_env.h"

#include <map>
#include <optional>

#include "base/base64.h"
#include "kube/object.h"
#include "kubelet/env_expansion.h"
#include "kubelet/quantity.h"

namespace drs::kubelet {
namespace {

using nlohmann::json;

std::string Str(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool Optional(const json& ref) {
  auto it = ref.find("optional");
  return it != ref.end() && it->is_boolean() && it->get<bool>();
}

// Ordered environment with last-write-wins by name, as the kubelet keeps it.
class EnvBuilder {
 public:
  void Set(const std::string& name, std::string value) {
    auto it = index_.find(name);
    if (it != index_.end()) {
      vars_[it->second].value = SecretBytes(std::move(value));
      return;
    }
    index_[name] = vars_.size();
    vars_.push_back({name, SecretBytes(std::move(value))});
  }
  std::optional<std::string> Get(std::string_view name) const {
    auto it = index_.find(std::string(name));
    if (it == index_.end()) return std::nullopt;
    return std::string(vars_[it->second].value.reveal());
  }
  std::vector<EnvVar> Take() { return std::move(vars_); }

 private:
  std::vector<EnvVar> vars_;
  std::map<std::string, std::size_t> index_;
};

// Labels and annotations: "metadata.labels['key']".
std::optional<std::string> MapSubscript(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix) || !path.ends_with("']")) return std::nullopt;
  return std::string(path.substr(prefix.size(), path.size() - prefix.size() - 2));
}

Status AddEnvFrom(const json& source, const std::string& ns, const ObjectLookup& lookup,
                  EnvBuilder& env) {
  const std::string prefix = Str(source, "prefix");
  const bool is_secret = source.contains("secretRef");
  const json& ref = is_secret ? source["secretRef"] : source.value("configMapRef", json::object());
  const std::string name = Str(ref, "name");
  const char* kind = is_secret ? "secret" : "configmap";
  ObjectPtr obj = is_secret ? lookup.Secret(ns, name) : lookup.ConfigMap(ns, name);
  if (!obj) {
    if (Optional(ref)) return OkStatus();
    return NotFoundError(std::string(kind) + " \"" + ns + "/" + name + "\" not found (envFrom)");
  }
  const auto add_keys = [&](const char* field, bool base64) -> Status {
    auto it = obj->find(field);
    if (it == obj->end() || !it->is_object()) return OkStatus();
    for (const auto& [key, value] : it->items()) {
      // Keys that cannot be variable names are skipped, as the kubelet does.
      if (key.empty() || key.find('=') != std::string::npos || !value.is_string()) continue;
      std::string bytes = value.get<std::string>();
      if (base64) {
        DRS_ASSIGN_OR_RETURN(bytes, Base64Decode(bytes));
      }
      env.Set(prefix + key, std::move(bytes));
    }
    return OkStatus();
  };
  if (is_secret) return add_keys("data", true);
  DRS_RETURN_IF_ERROR(add_keys("data", false));
  return add_keys("binaryData", true);
}

Result<std::optional<std::string>> ValueFrom(const json& pod, const json& container,
                                             const json& from, const PodContext& context,
                                             const ObjectLookup& lookup) {
  const std::string ns = kube::Namespace(pod);
  if (auto it = from.find("fieldRef"); it != from.end()) {
    DRS_ASSIGN_OR_RETURN(auto v, FieldRefValue(pod, Str(*it, "fieldPath"), context));
    return std::optional<std::string>(std::move(v));
  }
  if (auto it = from.find("resourceFieldRef"); it != from.end()) {
    const json divisor = it->value("divisor", json("1"));
    DRS_ASSIGN_OR_RETURN(
        auto v, ResourceFieldValue(
                    container, Str(*it, "resource"),
                    divisor.is_string() ? divisor.get<std::string>() : divisor.dump(), context));
    return std::optional<std::string>(std::move(v));
  }
  const bool is_secret = from.contains("secretKeyRef");
  if (!is_secret && !from.contains("configMapKeyRef")) {
    return InvalidError("valueFrom has no supported source (" + from.dump() + ")");
  }
  const json& ref = is_secret ? from["secretKeyRef"] : from["configMapKeyRef"];
  const std::string name = Str(ref, "name");
  const std::string key = Str(ref, "key");
  const std::string what =
      std::string(is_secret ? "secret" : "configmap") + " \"" + ns + "/" + name + "\"";
  ObjectPtr obj = is_secret ? lookup.Secret(ns, name) : lookup.ConfigMap(ns, name);
  if (!obj) {
    if (Optional(ref)) return std::optional<std::string>();
    return NotFoundError(what + " not found");
  }
  auto value = is_secret ? SecretValue(*obj, key) : ConfigMapValue(*obj, key);
  if (!value.ok()) {
    if (value.error().code() == ErrorCode::kNotFound && Optional(ref)) {
      return std::optional<std::string>();
    }
    return std::move(value).error().WithContext("reading key \"" + key + "\" of " + what);
  }
  return std::optional<std::string>(std::move(value).value());
}

}  // namespace

Result<std::string> SecretValue(const json& secret, const std::string& key) {
  auto data = secret.find("data");
  if (data != secret.end() && data->is_object()) {
    auto it = data->find(key);
    if (it != data->end() && it->is_string()) return Base64Decode(it->get<std::string>());
  }
  return NotFoundError("no key \"" + key + "\"");
}

Result<std::string> ConfigMapValue(const json& config_map, const std::string& key) {
  auto data = config_map.find("data");
  if (data != config_map.end() && data->is_object()) {
    auto it = data->find(key);
    if (it != data->end() && it->is_string()) return it->get<std::string>();
  }
  auto binary = config_map.find("binaryData");
  if (binary != config_map.end() && binary->is_object()) {
    auto it = binary->find(key);
    if (it != binary->end() && it->is_string()) return Base64Decode(it->get<std::string>());
  }
  return NotFoundError("no key \"" + key + "\"");
}

Result<std::string> FieldRefValue(const json& pod, std::string_view path,
                                  const PodContext& context) {
  if (path == "metadata.name") return kube::Name(pod);
  if (path == "metadata.namespace") return kube::Namespace(pod);
  if (path == "metadata.uid") return kube::Uid(pod);
  if (path == "spec.nodeName") return context.node_name;
  if (path == "spec.serviceAccountName") {
    return Str(pod.value("spec", json::object()), "serviceAccountName");
  }
  if (path == "status.hostIP" || path == "status.hostIPs") return context.host_ip;
  if (path == "status.podIP" || path == "status.podIPs") return context.pod_ip;
  if (auto key = MapSubscript(path, "metadata.labels['")) {
    const auto labels = kube::Labels(pod);
    auto it = labels.find(*key);
    return it == labels.end() ? std::string() : it->second;
  }
  if (auto key = MapSubscript(path, "metadata.annotations['")) {
    const auto annotations = kube::Annotations(pod);
    auto it = annotations.find(*key);
    return it == annotations.end() ? std::string() : it->second;
  }
  if (path == "metadata.labels" || path == "metadata.annotations") {
    // The downward API volume renders these as sorted key="value" lines.
    const auto map = path == "metadata.labels" ? kube::Labels(pod) : kube::Annotations(pod);
    std::string out;
    for (const auto& [k, v] : map) out += k + "=" + json(v).dump() + "\n";
    return out;
  }
  return InvalidError("unsupported fieldPath \"" + std::string(path) + "\"");
}

Result<std::string> ResourceFieldValue(const json& container, std::string_view resource,
                                       std::string_view divisor, const PodContext& context) {
  const auto dot = resource.find('.');
  if (dot == std::string_view::npos) {
    return InvalidError("unsupported resource \"" + std::string(resource) + "\"");
  }
  const std::string kind(resource.substr(0, dot));  // limits | requests
  const std::string name(resource.substr(dot + 1));
  if ((kind != "limits" && kind != "requests") ||
      (name != "cpu" && name != "memory" && name != "ephemeral-storage")) {
    return InvalidError("unsupported resource \"" + std::string(resource) + "\"");
  }
  const json resources = container.value("resources", json::object());
  const json set = resources.value(kind, json::object());
  std::string value;
  if (set.is_object() && set.contains(name) && set[name].is_string()) {
    value = set[name].get<std::string>();
  } else if (kind == "requests") {
    value = "0";  // an unset request is zero
  } else {
    value = name == "cpu" ? context.node_cpu : context.node_memory;
  }
  return RenderResource(value, divisor);
}

Result<std::vector<EnvVar>> BuildContainerEnv(const json& pod, const json& container,
                                              const PodContext& context,
                                              const ObjectLookup& lookup) {
  EnvBuilder env;
  env.Set("PATH", kDefaultPath);
  env.Set("HOSTNAME", context.hostname);
  const std::string ns = kube::Namespace(pod);
  if (auto it = container.find("envFrom"); it != container.end() && it->is_array()) {
    for (const auto& source : *it) {
      if (!source.is_object()) continue;
      DRS_RETURN_IF_ERROR(AddEnvFrom(source, ns, lookup, env));
    }
  }
  if (auto it = container.find("env"); it != container.end() && it->is_array()) {
    for (const auto& var : *it) {
      if (!var.is_object()) continue;
      const std::string name = Str(var, "name");
      if (name.empty()) return InvalidError("an env entry has no name");
      if (auto from = var.find("valueFrom"); from != var.end() && from->is_object()) {
        auto value = ValueFrom(pod, container, *from, context, lookup);
        if (!value.ok()) return std::move(value).error().WithContext("env " + name);
        if (value->has_value()) env.Set(name, std::move(**value));
        continue;
      }
      env.Set(name, ExpandVars(Str(var, "value"), [&](std::string_view n) { return env.Get(n); }));
    }
  }
  return env.Take();
}

std::vector<std::string> ExpandArgs(const std::vector<std::string>& args,
                                    const std::vector<EnvVar>& env) {
  std::map<std::string, std::string, std::less<>> vars;
  for (const auto& v : env) vars[v.name] = std::string(v.value.reveal());
  std::vector<std::string> out;
  out.reserve(args.size());
  for (const auto& a : args) {
    out.push_back(ExpandVars(a, [&](std::string_view n) -> std::optional<std::string> {
      auto it = vars.find(n);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    }));
  }
  return out;
}

}  // namespace drs::kubelet
