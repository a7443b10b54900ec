#include "runtime/key_func.h"

#include <nlohmann/json.hpp>

namespace drs::runtime {

namespace {
// Reads metadata.<field> as a string without throwing: objects come from the
// API server, and a malformed one must be an error value, not a crash.
// Returns nullptr when absent; sets *wrong_type when present but not a string.
const std::string* MetadataString(const nlohmann::json& obj, const char* field, bool* wrong_type) {
  *wrong_type = false;
  if (!obj.is_object()) {
    return nullptr;
  }
  const auto metadata = obj.find("metadata");
  if (metadata == obj.end() || !metadata->is_object()) {
    return nullptr;
  }
  const auto value = metadata->find(field);
  if (value == metadata->end() || value->is_null()) {
    return nullptr;
  }
  if (!value->is_string()) {
    *wrong_type = true;
    return nullptr;
  }
  return value->get_ptr<const std::string*>();
}
}  // namespace

Result<std::string> MetaNamespaceKeyFunc(const nlohmann::json& obj) {
  bool wrong_type = false;
  const std::string* name = MetadataString(obj, "name", &wrong_type);
  if (name == nullptr || name->empty()) {
    return InvalidError("object has no metadata.name");
  }
  const std::string* ns = MetadataString(obj, "namespace", &wrong_type);
  if (wrong_type) {
    return InvalidError("metadata.namespace of " + *name + " is not a string");
  }
  if (ns == nullptr || ns->empty()) {
    return *name;
  }
  return *ns + "/" + *name;
}

Result<std::pair<std::string, std::string>> SplitMetaNamespaceKey(std::string_view key) {
  const auto slash = key.find('/');
  if (slash == std::string_view::npos) {
    if (key.empty()) {
      return InvalidError("empty object key");
    }
    return std::pair<std::string, std::string>{"", std::string(key)};
  }
  const auto ns = key.substr(0, slash);
  const auto name = key.substr(slash + 1);
  if (name.empty() || name.find('/') != std::string_view::npos) {
    return InvalidError("malformed object key \"" + std::string(key) + "\"");
  }
  return std::pair<std::string, std::string>{std::string(ns), std::string(name)};
}

std::vector<std::string> NamespaceIndexFunc(const nlohmann::json& obj) {
  bool wrong_type = false;
  const std::string* ns = MetadataString(obj, "namespace", &wrong_type);
  return {ns == nullptr ? std::string() : *ns};
}

}  // namespace drs::runtime
