#pragma once
// ObjectLookup: how the kubelet's pure parts read the Secrets, ConfigMaps,
// PersistentVolumeClaims and PersistentVolumes a pod refers to, without
// knowing about informers (the kubelet backs it with its caches; tests with
// a map).
//
// Thread-safety: implementations must be thread-safe.

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace drs::kubelet {

using ObjectPtr = std::shared_ptr<const nlohmann::json>;

class ObjectLookup {
 public:
  virtual ~ObjectLookup() = default;
  // Null when the object does not exist (or is not known yet).
  virtual ObjectPtr Secret(const std::string& ns, const std::string& name) const = 0;
  virtual ObjectPtr ConfigMap(const std::string& ns, const std::string& name) const = 0;
  virtual ObjectPtr PersistentVolumeClaim(const std::string& ns, const std::string& name) const = 0;
  virtual ObjectPtr PersistentVolume(const std::string& name) const = 0;
};

}  // namespace drs::kubelet
