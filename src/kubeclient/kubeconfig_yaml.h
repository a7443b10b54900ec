#pragma once
// Typed reads of kubeconfig YAML for kubeconfig.cc and kubeconfig_user.cc.
// Every error names the field it is about ("users[admin].client-key-data"),
// never the value, which may be a secret. These helpers avoid yaml-cpp's
// throwing accessors; ParseKubeconfig still catches its exceptions.
//
// Thread-safety: pure functions.

#include <map>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "base/result.h"

namespace drs::kubeclient::internal {

// "prefix.key", the name errors use for a field.
std::string FieldName(const std::string& prefix, std::string_view key);

// True when `map` has `key` with a non-null value.
bool HasField(const YAML::Node& map, std::string_view key);

// A scalar field as text; "" when absent or null. Invalid for a list or map.
Result<std::string> StringField(const YAML::Node& map, std::string_view key,
                                const std::string& prefix);
// Like StringField, but absent, null or "" is Invalid ("... is missing").
Result<std::string> RequiredStringField(const YAML::Node& map, std::string_view key,
                                        const std::string& prefix);
// A YAML boolean (true/false/yes/no/on/off); false when absent.
Result<bool> BoolField(const YAML::Node& map, std::string_view key, const std::string& prefix);

// The map under `key`; an empty (undefined) node when absent. Invalid if not a map.
Result<YAML::Node> MapField(const YAML::Node& map, std::string_view key, const std::string& prefix);

// One of kubeconfig's named lists: `list_key` holds [{name, <item_key>: {...}}].
// Returns name -> the item map. Unnamed entries and duplicate names are
// Invalid (client-go rejects duplicates too).
Result<std::map<std::string, YAML::Node>> NamedEntries(const YAML::Node& root,
                                                       const std::string& list_key,
                                                       const std::string& item_key);

// A relative path resolved against base_dir (kubeconfig semantics: relative
// to the file that names it). Absolute paths and an empty base_dir pass through.
std::string ResolvePath(const std::string& base_dir, const std::string& path);

// Reads the file a field names; the error names the field and the path.
Result<std::string> ReadFieldFile(const std::string& path, const std::string& field);

// Decodes a *-data field; "<field> is not valid base64" on failure.
Result<std::string> DecodeBase64Field(const std::string& value, const std::string& field);

// Invalid unless `pem` holds at least one PEM block ("-----BEGIN ").
Status RequirePem(std::string_view pem, const std::string& field);

}  // namespace drs::kubeclient::internal
