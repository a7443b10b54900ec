#include "kubelet/pod_references.h"

#include "kube/object.h"
#include "runtime/key_func.h"

namespace drs::kubelet {
namespace {

using nlohmann::json;

std::string Str(const json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool VolumeUses(const json& volume, ReferenceKind kind, const std::string& name) {
  switch (kind) {
    case ReferenceKind::kSecret:
      if (Str(volume.value("secret", json::object()), "secretName") == name) return true;
      break;
    case ReferenceKind::kConfigMap:
      if (Str(volume.value("configMap", json::object()), "name") == name) return true;
      break;
    case ReferenceKind::kClaim:
      return Str(volume.value("persistentVolumeClaim", json::object()), "claimName") == name;
    case ReferenceKind::kVolume:
      return false;
  }
  const char* source = kind == ReferenceKind::kSecret ? "secret" : "configMap";
  for (const auto& s : volume.value("projected", json::object()).value("sources", json::array())) {
    if (Str(s.value(source, json::object()), "name") == name) return true;
  }
  return false;
}

bool EnvUses(const json& container, ReferenceKind kind, const std::string& name) {
  const char* key_ref = kind == ReferenceKind::kSecret ? "secretKeyRef" : "configMapKeyRef";
  const char* from_ref = kind == ReferenceKind::kSecret ? "secretRef" : "configMapRef";
  for (const auto& e : container.value("env", json::array())) {
    if (Str(e.value("valueFrom", json::object()).value(key_ref, json::object()), "name") == name) {
      return true;
    }
  }
  for (const auto& e : container.value("envFrom", json::array())) {
    if (Str(e.value(from_ref, json::object()), "name") == name) return true;
  }
  return false;
}

}  // namespace

bool PodReferences(const json& pod, ReferenceKind kind, const std::string& name) {
  try {
    const json spec = pod.value("spec", json::object());
    for (const auto& v : spec.value("volumes", json::array())) {
      if (v.is_object() && VolumeUses(v, kind, name)) return true;
    }
    if (kind == ReferenceKind::kClaim || kind == ReferenceKind::kVolume) return false;
    for (const char* list : {"initContainers", "containers"}) {
      for (const auto& c : spec.value(list, json::array())) {
        if (c.is_object() && EnvUses(c, kind, name)) return true;
      }
    }
  } catch (const json::exception&) {
    // A malformed pod refers to nothing; its worker reports it.
  }
  return false;
}

std::vector<std::string> ReferringPods(const runtime::Store& pods, ReferenceKind kind,
                                       const json& obj) {
  std::string ns = kube::Namespace(obj);
  std::string name = kube::Name(obj);
  if (kind == ReferenceKind::kVolume) {
    // A PV wakes the pods of the claim it is bound to.
    const json ref = obj.value("spec", json::object()).value("claimRef", json::object());
    ns = Str(ref, "namespace");
    name = Str(ref, "name");
    kind = ReferenceKind::kClaim;
    if (name.empty()) return {};
  }
  std::vector<std::string> keys;
  auto in_ns = pods.ByIndex(runtime::kNamespaceIndex, ns);
  if (!in_ns.ok()) return keys;
  for (const auto& pod : *in_ns) {
    if (PodReferences(*pod, kind, name)) keys.push_back(ns + "/" + kube::Name(*pod));
  }
  return keys;
}

}  // namespace drs::kubelet
