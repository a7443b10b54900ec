#pragma once
// How the informer cache names and indexes objects (client-go's
// MetaNamespaceKeyFunc / MetaNamespaceIndexFunc): the key of a namespaced
// object is "namespace/name", of a cluster-scoped one just "name". Work
// queues carry these keys; reconcilers split them back.
//
// Thread-safety: pure functions.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/result.h"

namespace drs::runtime {

// The name under which the built-in namespace index is usually registered.
inline constexpr char kNamespaceIndex[] = "namespace";

// "namespace/name" or "name" from metadata. Fails (Invalid) when the object
// has no non-empty string metadata.name, or a non-string metadata.namespace.
Result<std::string> MetaNamespaceKeyFunc(const nlohmann::json& obj);

// The inverse: {namespace, name}, namespace empty for a cluster-scoped key.
// Fails (Invalid) on an empty name or more than one '/'.
Result<std::pair<std::string, std::string>> SplitMetaNamespaceKey(std::string_view key);

// Index function: the object's namespace ("" for cluster-scoped objects, so
// they can be listed as a group too). Never throws.
std::vector<std::string> NamespaceIndexFunc(const nlohmann::json& obj);

}  // namespace drs::runtime
