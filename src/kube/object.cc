#include "kube/object.h"

#include <limits>

#include "kube/hash.h"

namespace drs::kube {
namespace {

using nlohmann::json;

// The member `key` of `j`, or nullptr when j is absent, not an object, or
// lacks the key. Lets readers walk paths without the throwing at().
const json* Child(const json* j, std::string_view key) {
  if (j == nullptr || !j->is_object()) return nullptr;
  const auto it = j->find(key);
  return it == j->end() ? nullptr : &*it;
}

std::string StringOf(const json* j) {
  return j != nullptr && j->is_string() ? j->get_ref<const std::string&>() : std::string();
}

std::string MetadataString(const json& obj, std::string_view field) {
  return StringOf(Child(Child(&obj, "metadata"), field));
}

std::map<std::string, std::string> StringMap(const json* j) {
  std::map<std::string, std::string> out;
  if (j == nullptr || !j->is_object()) return out;
  for (const auto& [key, value] : j->items()) {
    if (value.is_string()) out.emplace(key, value.get_ref<const std::string&>());
  }
  return out;
}

// Returns the object at obj.metadata.<map_name>, creating the path as needed.
Result<json*> MutableMetadataMap(json& obj, std::string_view map_name) {
  const std::string where = "metadata." + std::string(map_name);
  if (obj.is_null()) obj = json::object();
  if (!obj.is_object()) {
    return InvalidError("cannot set " + where + ": the object is a JSON " +
                        std::string(obj.type_name()));
  }
  json& metadata = obj["metadata"];
  if (metadata.is_null()) metadata = json::object();
  if (!metadata.is_object()) {
    return InvalidError("cannot set " + where + ": metadata is a JSON " +
                        std::string(metadata.type_name()));
  }
  json& map = metadata[std::string(map_name)];
  if (map.is_null()) map = json::object();
  if (!map.is_object()) {
    return InvalidError("cannot set " + where + ": it is a JSON " + std::string(map.type_name()));
  }
  return &map;
}

Status SetInMetadataMap(json& obj, std::string_view map_name, std::string_view key,
                        std::string_view value) {
  DRS_ASSIGN_OR_RETURN(json * map, MutableMetadataMap(obj, map_name));
  (*map)[std::string(key)] = std::string(value);
  return OkStatus();
}

void RemoveFromMetadataMap(json& obj, std::string_view map_name, std::string_view key) {
  if (!obj.is_object()) return;
  const auto metadata = obj.find("metadata");
  if (metadata == obj.end() || !metadata->is_object()) return;
  const auto map = metadata->find(map_name);
  if (map == metadata->end() || !map->is_object()) return;
  map->erase(std::string(key));
  if (map->empty()) metadata->erase(map);
}

}  // namespace

std::string Name(const json& obj) { return MetadataString(obj, "name"); }
std::string Namespace(const json& obj) { return MetadataString(obj, "namespace"); }
std::string Uid(const json& obj) { return MetadataString(obj, "uid"); }
std::string ResourceVersion(const json& obj) { return MetadataString(obj, "resourceVersion"); }
std::string Kind(const json& obj) { return StringOf(Child(&obj, "kind")); }
std::string ApiVersion(const json& obj) { return StringOf(Child(&obj, "apiVersion")); }

std::int64_t Generation(const json& obj) {
  const json* generation = Child(Child(&obj, "metadata"), "generation");
  if (generation == nullptr || !generation->is_number_integer()) return 0;
  if (generation->is_number_unsigned()) {
    const auto value = generation->get<std::uint64_t>();
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    return value > kMax ? 0 : static_cast<std::int64_t>(value);
  }
  return generation->get<std::int64_t>();
}

Result<GroupVersionKind> GroupVersionKindOf(const json& obj) {
  DRS_ASSIGN_OR_RETURN(GroupVersion gv, ParseApiVersion(ApiVersion(obj)));
  std::string kind = Kind(obj);
  if (kind.empty()) return InvalidError("object has no kind: " + DescribeObject(obj));
  return GroupVersionKind{std::move(gv.group), std::move(gv.version), std::move(kind)};
}

std::map<std::string, std::string> Labels(const json& obj) {
  return StringMap(Child(Child(&obj, "metadata"), "labels"));
}

std::map<std::string, std::string> Annotations(const json& obj) {
  return StringMap(Child(Child(&obj, "metadata"), "annotations"));
}

bool IsBeingDeleted(const json& obj) {
  const json* timestamp = Child(Child(&obj, "metadata"), "deletionTimestamp");
  return timestamp != nullptr && !timestamp->is_null();
}

std::vector<OwnerReference> OwnerReferences(const json& obj) {
  std::vector<OwnerReference> out;
  const json* refs = Child(Child(&obj, "metadata"), "ownerReferences");
  if (refs == nullptr || !refs->is_array()) return out;
  for (const json& ref : *refs) {
    if (!ref.is_object()) continue;
    const json* controller = Child(&ref, "controller");
    const json* block = Child(&ref, "blockOwnerDeletion");
    out.push_back({
        .api_version = StringOf(Child(&ref, "apiVersion")),
        .kind = StringOf(Child(&ref, "kind")),
        .name = StringOf(Child(&ref, "name")),
        .uid = StringOf(Child(&ref, "uid")),
        .controller = controller != nullptr && controller->is_boolean() && controller->get<bool>(),
        .block_owner_deletion = block != nullptr && block->is_boolean() && block->get<bool>(),
    });
  }
  return out;
}

Status SetLabel(json& obj, std::string_view key, std::string_view value) {
  return SetInMetadataMap(obj, "labels", key, value);
}

Status SetAnnotation(json& obj, std::string_view key, std::string_view value) {
  return SetInMetadataMap(obj, "annotations", key, value);
}

void RemoveLabel(json& obj, std::string_view key) { RemoveFromMetadataMap(obj, "labels", key); }

void RemoveAnnotation(json& obj, std::string_view key) {
  RemoveFromMetadataMap(obj, "annotations", key);
}

std::string ObjectKey::ToString() const { return ns.empty() ? name : ns + "/" + name; }

Result<ObjectKey> ParseObjectKey(std::string_view text) {
  const std::size_t slash = text.find('/');
  ObjectKey key;
  if (slash == std::string_view::npos) {
    key.name = std::string(text);
  } else {
    key.ns = std::string(text.substr(0, slash));
    key.name = std::string(text.substr(slash + 1));
    if (key.ns.empty()) {
      return InvalidError("invalid object key \"" + std::string(text) + "\": empty namespace");
    }
  }
  if (key.name.empty()) {
    return InvalidError("invalid object key \"" + std::string(text) + "\": empty name");
  }
  if (key.name.find('/') != std::string::npos) {
    return InvalidError("invalid object key \"" + std::string(text) +
                        "\": want \"namespace/name\" or \"name\"");
  }
  return key;
}

ObjectKey KeyOf(const json& obj) { return {Namespace(obj), Name(obj)}; }

std::string DescribeObject(const json& obj) {
  ObjectKey key = KeyOf(obj);
  if (key.name.empty()) key.name = "<unnamed>";
  std::string out;
  for (const std::string& part : {ApiVersion(obj), Kind(obj)}) {
    if (part.empty()) continue;
    out += part;
    out += ' ';
  }
  return out + key.ToString();
}

}  // namespace drs::kube

std::size_t std::hash<drs::kube::ObjectKey>::operator()(
    const drs::kube::ObjectKey& key) const noexcept {
  using drs::kube::internal::HashCombine;
  return HashCombine(HashCombine(0, key.ns), key.name);
}
