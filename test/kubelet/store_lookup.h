#pragma once
// StoreLookup: ObjectLookup backed by the kubelet's informer caches.
//
// Thread-safety: thread-safe (the stores are).

#include "kubelet/object_lookup.h"
#include "runtime/store.h"

namespace drs::kubelet {

class StoreLookup : public ObjectLookup {
 public:
  // REQUIRES: the stores outlive this object.
  StoreLookup(const runtime::Store& secrets, const runtime::Store& config_maps,
              const runtime::Store& claims, const runtime::Store& volumes)
      : secrets_(secrets), config_maps_(config_maps), claims_(claims), volumes_(volumes) {}

  ObjectPtr Secret(const std::string& ns, const std::string& name) const override {
    return secrets_.Get(ns + "/" + name);
  }
  ObjectPtr ConfigMap(const std::string& ns, const std::string& name) const override {
    return config_maps_.Get(ns + "/" + name);
  }
  ObjectPtr PersistentVolumeClaim(const std::string& ns, const std::string& name) const override {
    return claims_.Get(ns + "/" + name);
  }
  ObjectPtr PersistentVolume(const std::string& name) const override { return volumes_.Get(name); }

 private:
  const runtime::Store& secrets_;
  const runtime::Store& config_maps_;
  const runtime::Store& claims_;
  const runtime::Store& volumes_;
};

}  // namespace drs::kubelet
