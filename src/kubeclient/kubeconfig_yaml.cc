#include "kubeclient/kubeconfig_yaml.h"

#include "base/base64.h"
#include "base/file_util.h"

namespace drs::kubeclient::internal {
namespace {

constexpr std::string_view kPemBegin = "-----BEGIN ";

// Looks up `key` without operator[] on a non-map (which would throw).
YAML::Node Child(const YAML::Node& map, std::string_view key) {
  if (!map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  const YAML::Node found = map[std::string(key)];
  return found ? found : YAML::Node(YAML::NodeType::Undefined);
}

}  // namespace

std::string FieldName(const std::string& prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
}

bool HasField(const YAML::Node& map, std::string_view key) {
  const YAML::Node node = Child(map, key);
  return node.IsDefined() && !node.IsNull();
}

Result<std::string> StringField(const YAML::Node& map, std::string_view key,
                                const std::string& prefix) {
  const YAML::Node node = Child(map, key);
  if (!node.IsDefined() || node.IsNull()) return std::string();
  if (!node.IsScalar()) return InvalidError(FieldName(prefix, key) + " must be a string");
  return node.Scalar();
}

Result<std::string> RequiredStringField(const YAML::Node& map, std::string_view key,
                                        const std::string& prefix) {
  DRS_ASSIGN_OR_RETURN(std::string value, StringField(map, key, prefix));
  if (value.empty()) return InvalidError(FieldName(prefix, key) + " is missing");
  return value;
}

Result<bool> BoolField(const YAML::Node& map, std::string_view key, const std::string& prefix) {
  const YAML::Node node = Child(map, key);
  if (!node.IsDefined() || node.IsNull()) return false;
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    return InvalidError(FieldName(prefix, key) + " must be true or false");
  }
  return value;
}

Result<YAML::Node> MapField(const YAML::Node& map, std::string_view key,
                            const std::string& prefix) {
  const YAML::Node node = Child(map, key);
  if (!node.IsDefined() || node.IsNull()) return YAML::Node(YAML::NodeType::Undefined);
  if (!node.IsMap()) return InvalidError(FieldName(prefix, key) + " must be a map");
  return node;
}

Result<std::map<std::string, YAML::Node>> NamedEntries(const YAML::Node& root,
                                                       const std::string& list_key,
                                                       const std::string& item_key) {
  std::map<std::string, YAML::Node> out;
  const YAML::Node list = Child(root, list_key);
  if (!list.IsDefined() || list.IsNull()) return out;
  if (!list.IsSequence()) return InvalidError(list_key + " must be a list");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node entry = list[i];
    const std::string where = list_key + "[" + std::to_string(i) + "]";
    if (!entry.IsMap()) return InvalidError(where + " must be a map");
    DRS_ASSIGN_OR_RETURN(std::string name, RequiredStringField(entry, "name", where));
    const std::string prefix = list_key + "[" + name + "]";
    DRS_ASSIGN_OR_RETURN(YAML::Node item, MapField(entry, item_key, prefix));
    if (!item.IsDefined()) return InvalidError(FieldName(prefix, item_key) + " is missing");
    if (!out.emplace(name, item).second) {
      return InvalidError(list_key + " has two entries named \"" + name + "\"");
    }
  }
  return out;
}

std::string ResolvePath(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path.front() == '/' || base_dir.empty()) return path;
  return base_dir.back() == '/' ? base_dir + path : base_dir + "/" + path;
}

Result<std::string> ReadFieldFile(const std::string& path, const std::string& field) {
  auto contents = ReadFileToString(path);
  if (!contents.ok()) return std::move(contents).error().WithContext("reading " + field);
  return contents;
}

Result<std::string> DecodeBase64Field(const std::string& value, const std::string& field) {
  auto decoded = Base64Decode(value);
  if (!decoded.ok()) {
    return InvalidError(field + " is not valid base64 (" + decoded.error().message() + ")");
  }
  return decoded;
}

Status RequirePem(std::string_view pem, const std::string& field) {
  if (pem.find(kPemBegin) == std::string_view::npos) {
    return InvalidError(field + " does not hold PEM data (no \"-----BEGIN\" line)");
  }
  return OkStatus();
}

}  // namespace drs::kubeclient::internal
