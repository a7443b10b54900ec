#include "kubelet/volume_payloads.h"

#include "kube/object.h"

namespace drs::kubelet {
namespace {

using nlohmann::json;

constexpr mode_t kDefaultFileMode = 0644;
constexpr mode_t kModeMask = 0777;

std::string Str(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool Optional(const json& ref) {
  auto it = ref.find("optional");
  return it != ref.end() && it->is_boolean() && it->get<bool>();
}

mode_t ModeOf(const json& obj, const char* key, mode_t fallback) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer()) return fallback;
  return static_cast<mode_t>(it->get<std::int64_t>()) & kModeMask;
}

// Keys of a Secret's data or a ConfigMap's data and binaryData.
std::vector<std::string> Keys(const json& obj, bool is_secret) {
  std::vector<std::string> keys;
  for (const char* field : {"data", "binaryData"}) {
    if (is_secret && std::string_view(field) == "binaryData") continue;
    auto it = obj.find(field);
    if (it == obj.end() || !it->is_object()) continue;
    for (const auto& [k, v] : it->items()) keys.push_back(k);
  }
  return keys;
}

// A secret or configMap source: all keys, or `items`.
Status AddKeyedSource(const json& source, bool is_secret, const std::string& ns,
                      mode_t default_mode, const ObjectLookup& lookup, Payload& out) {
  // A secret volume names it `secretName`; projected sources and configMaps `name`.
  const std::string name =
      Str(source, "secretName").empty() ? Str(source, "name") : Str(source, "secretName");
  const std::string what =
      std::string(is_secret ? "secret" : "configmap") + " \"" + ns + "/" + name + "\"";
  ObjectPtr obj = is_secret ? lookup.Secret(ns, name) : lookup.ConfigMap(ns, name);
  if (!obj) {
    if (Optional(source)) return OkStatus();
    return NotFoundError(what + " not found");
  }
  const auto value_of = [&](const std::string& key) {
    return is_secret ? SecretValue(*obj, key) : ConfigMapValue(*obj, key);
  };
  auto items = source.find("items");
  if (items == source.end() || !items->is_array() || items->empty()) {
    for (const auto& key : Keys(*obj, is_secret)) {
      DRS_ASSIGN_OR_RETURN(auto bytes, value_of(key));
      out[key] = FilePayload{SecretBytes(std::move(bytes)), default_mode};
    }
    return OkStatus();
  }
  for (const auto& item : *items) {
    if (!item.is_object()) continue;
    const std::string key = Str(item, "key");
    auto bytes = value_of(key);
    if (!bytes.ok()) {
      if (Optional(source)) continue;
      return std::move(bytes).error().WithContext("projecting key \"" + key + "\" of " + what);
    }
    const std::string path = Str(item, "path").empty() ? key : Str(item, "path");
    out[path] =
        FilePayload{SecretBytes(std::move(bytes).value()), ModeOf(item, "mode", default_mode)};
  }
  return OkStatus();
}

Status AddDownwardApi(const json& source, const json& pod, mode_t default_mode,
                      const PodContext& context, Payload& out) {
  auto items = source.find("items");
  if (items == source.end() || !items->is_array()) return OkStatus();
  for (const auto& item : *items) {
    if (!item.is_object()) continue;
    const std::string path = Str(item, "path");
    std::string value;
    if (auto f = item.find("fieldRef"); f != item.end() && f->is_object()) {
      DRS_ASSIGN_OR_RETURN(value, FieldRefValue(pod, Str(*f, "fieldPath"), context));
    } else if (auto r = item.find("resourceFieldRef"); r != item.end() && r->is_object()) {
      const std::string container_name = Str(*r, "containerName");
      json container = json::object();
      for (const auto& c : pod.value("spec", json::object()).value("containers", json::array())) {
        if (Str(c, "name") == container_name) container = c;
      }
      const json divisor = r->value("divisor", json("1"));
      DRS_ASSIGN_OR_RETURN(
          value,
          ResourceFieldValue(container, Str(*r, "resource"),
                             divisor.is_string() ? divisor.get<std::string>() : "1", context));
    } else {
      return InvalidError("downwardAPI item \"" + path + "\" has no fieldRef or resourceFieldRef");
    }
    out[path] = FilePayload{SecretBytes(std::move(value)), ModeOf(item, "mode", default_mode)};
  }
  return OkStatus();
}

}  // namespace

Result<Payload> VolumePayload(const json& pod, const json& volume, const PodContext& context,
                              const ObjectLookup& lookup) {
  const std::string ns = kube::Namespace(pod);
  Payload out;
  if (auto s = volume.find("secret"); s != volume.end()) {
    DRS_RETURN_IF_ERROR(
        AddKeyedSource(*s, true, ns, ModeOf(*s, "defaultMode", kDefaultFileMode), lookup, out));
    return out;
  }
  if (auto c = volume.find("configMap"); c != volume.end()) {
    DRS_RETURN_IF_ERROR(
        AddKeyedSource(*c, false, ns, ModeOf(*c, "defaultMode", kDefaultFileMode), lookup, out));
    return out;
  }
  if (auto d = volume.find("downwardAPI"); d != volume.end()) {
    DRS_RETURN_IF_ERROR(
        AddDownwardApi(*d, pod, ModeOf(*d, "defaultMode", kDefaultFileMode), context, out));
    return out;
  }
  if (auto p = volume.find("projected"); p != volume.end()) {
    const mode_t mode = ModeOf(*p, "defaultMode", kDefaultFileMode);
    for (const auto& source : p->value("sources", json::array())) {
      if (!source.is_object()) continue;
      if (auto s = source.find("secret"); s != source.end()) {
        DRS_RETURN_IF_ERROR(AddKeyedSource(*s, true, ns, mode, lookup, out));
      } else if (auto c = source.find("configMap"); c != source.end()) {
        DRS_RETURN_IF_ERROR(AddKeyedSource(*c, false, ns, mode, lookup, out));
      } else if (auto d = source.find("downwardAPI"); d != source.end()) {
        DRS_RETURN_IF_ERROR(AddDownwardApi(*d, pod, mode, context, out));
      }
      // serviceAccountToken and clusterTrustBundle sources are skipped.
    }
    return out;
  }
  return InvalidError("volume \"" + Str(volume, "name") + "\" is not a projected kind");
}

}  // namespace drs::kubelet
