#pragma once
// Which pods use an object: the Secrets and ConfigMaps of their volumes
// (projected sources included) and environment, their claims, and the
// claims bound to a PersistentVolume — so a change to one of them wakes
// exactly the pods that care (a rotated Secret reaches their volumes at once).
//
// Thread-safety: pure functions (the store is thread-safe).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/store.h"

namespace drs::kubelet {

enum class ReferenceKind { kSecret, kConfigMap, kClaim, kVolume };

// True when `pod` refers to the object of `kind` named `name` (same namespace).
bool PodReferences(const nlohmann::json& pod, ReferenceKind kind, const std::string& name);

// Keys of the pods in `pods` (indexed by namespace) that refer to `obj`.
std::vector<std::string> ReferringPods(const runtime::Store& pods, ReferenceKind kind,
                                       const nlohmann::json& obj);

}  // namespace drs::kubelet
