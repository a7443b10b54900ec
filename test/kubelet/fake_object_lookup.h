#pragma once
// FakeObjectLookup: an ObjectLookup over maps, for unit tests.
//
// Thread-safety: not thread-safe; fill it before use.

#include <map>
#include <string>

#include "kubelet/object_lookup.h"

namespace drs::kubelet {

class FakeObjectLookup : public ObjectLookup {
 public:
  void AddSecret(const std::string& ns, const std::string& name, nlohmann::json data) {
    secrets_[ns + "/" + name] = std::make_shared<const nlohmann::json>(nlohmann::json{
        {"metadata", {{"name", name}, {"namespace", ns}}}, {"data", std::move(data)}});
  }
  void AddConfigMap(const std::string& ns, const std::string& name, nlohmann::json data) {
    config_maps_[ns + "/" + name] = std::make_shared<const nlohmann::json>(nlohmann::json{
        {"metadata", {{"name", name}, {"namespace", ns}}}, {"data", std::move(data)}});
  }
  void AddClaim(const std::string& ns, nlohmann::json claim) {
    const std::string name = claim["metadata"]["name"].get<std::string>();
    claims_[ns + "/" + name] = std::make_shared<const nlohmann::json>(std::move(claim));
  }
  void AddVolume(nlohmann::json pv) {
    const std::string name = pv["metadata"]["name"].get<std::string>();
    volumes_[name] = std::make_shared<const nlohmann::json>(std::move(pv));
  }

  ObjectPtr Secret(const std::string& ns, const std::string& name) const override {
    return Find(secrets_, ns + "/" + name);
  }
  ObjectPtr ConfigMap(const std::string& ns, const std::string& name) const override {
    return Find(config_maps_, ns + "/" + name);
  }
  ObjectPtr PersistentVolumeClaim(const std::string& ns, const std::string& name) const override {
    return Find(claims_, ns + "/" + name);
  }
  ObjectPtr PersistentVolume(const std::string& name) const override {
    return Find(volumes_, name);
  }

 private:
  static ObjectPtr Find(const std::map<std::string, ObjectPtr>& m, const std::string& key) {
    auto it = m.find(key);
    return it == m.end() ? nullptr : it->second;
  }
  std::map<std::string, ObjectPtr> secrets_;
  std::map<std::string, ObjectPtr> config_maps_;
  std::map<std::string, ObjectPtr> claims_;
  std::map<std::string, ObjectPtr> volumes_;
};

}  // namespace drs::kubelet
