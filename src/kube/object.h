#pragma once
// Accessors for Kubernetes objects held as plain nlohmann::json: metadata
// fields, labels and annotations, owner references, and the ObjectKey
// (namespace/name) that caches, work queues and logs identify objects by.
//
// Readers never throw and never assert: objects come from API servers, files
// and users, so a missing or mistyped field reads as the empty value ("", 0,
// an empty map). Writers report a malformed shape as an Invalid error
// instead of overwriting data they do not understand.
//
// Thread-safety: pure functions over caller-owned values. Reading one json
// from several threads is safe; writing needs the caller's exclusion.

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "kube/group_version.h"

namespace drs::kube {

// metadata.name, metadata.namespace, ... ("" when absent or not a string).
std::string Name(const nlohmann::json& obj);
std::string Namespace(const nlohmann::json& obj);
std::string Uid(const nlohmann::json& obj);
std::string ResourceVersion(const nlohmann::json& obj);
std::string Kind(const nlohmann::json& obj);
std::string ApiVersion(const nlohmann::json& obj);
// metadata.generation; 0 when absent, not an integer, or out of range.
std::int64_t Generation(const nlohmann::json& obj);
// The object's apiVersion and kind parsed together.
Result<GroupVersionKind> GroupVersionKindOf(const nlohmann::json& obj);

// Entries whose value is not a string are skipped.
std::map<std::string, std::string> Labels(const nlohmann::json& obj);
std::map<std::string, std::string> Annotations(const nlohmann::json& obj);

// True once metadata.deletionTimestamp is set: finalizers are running and
// the object must not be recreated or adopted.
bool IsBeingDeleted(const nlohmann::json& obj);

struct OwnerReference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  bool controller = false;
  bool block_owner_deletion = false;
  friend bool operator==(const OwnerReference&, const OwnerReference&) = default;
};

// metadata.ownerReferences; entries that are not objects are skipped.
std::vector<OwnerReference> OwnerReferences(const nlohmann::json& obj);

// Create metadata and the map as needed. Invalid when obj, metadata or the
// map exists but is not a JSON object (null counts as absent).
Status SetLabel(nlohmann::json& obj, std::string_view key, std::string_view value);
Status SetAnnotation(nlohmann::json& obj, std::string_view key, std::string_view value);
// Removes the key if present, and the map once it is empty, so an object
// that never had annotations compares equal to one whose last was removed.
void RemoveLabel(nlohmann::json& obj, std::string_view key);
void RemoveAnnotation(nlohmann::json& obj, std::string_view key);

// Identifies an object within one resource of one cluster.
struct ObjectKey {
  std::string ns;  // empty for cluster-scoped objects
  std::string name;

  // "ns/name", or "name" when cluster-scoped.
  std::string ToString() const;
  friend auto operator<=>(const ObjectKey&, const ObjectKey&) = default;
};

// The inverse of ObjectKey::ToString: "ns/name" or "name". Invalid when empty,
// with an empty part, or with more than one '/'.
Result<ObjectKey> ParseObjectKey(std::string_view text);
ObjectKey KeyOf(const nlohmann::json& obj);

// "apps/v1 Deployment shop/web", for error context and logs. Absent parts
// are left out; an absent name prints as "<unnamed>".
std::string DescribeObject(const nlohmann::json& obj);

}  // namespace drs::kube

template <>
struct std::hash<drs::kube::ObjectKey> {
  std::size_t operator()(const drs::kube::ObjectKey& key) const noexcept;
};
