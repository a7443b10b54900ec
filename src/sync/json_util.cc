#include "sync/json_util.h"

#include <algorithm>

namespace drs::sync::internal {

using nlohmann::json;

const json* Find(const json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

json* Find(json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

const json* FindObject(const json& j, std::string_view key) {
  const json* member = Find(j, key);
  return member != nullptr && member->is_object() ? member : nullptr;
}

json* FindObject(json& j, std::string_view key) {
  json* member = Find(j, key);
  return member != nullptr && member->is_object() ? member : nullptr;
}

json* FindArray(json& j, std::string_view key) {
  json* member = Find(j, key);
  return member != nullptr && member->is_array() ? member : nullptr;
}

std::string StringAt(const json& j, std::string_view key) {
  const json* member = Find(j, key);
  return member != nullptr && member->is_string() ? member->get_ref<const std::string&>()
                                                  : std::string();
}

void Erase(json& j, std::string_view key) {
  if (j.is_object()) j.erase(std::string(key));
}

void EraseFromMap(json& parent, std::string_view map_key, std::string_view key) {
  json* map = FindObject(parent, map_key);
  if (map == nullptr) return;
  map->erase(std::string(key));
  if (map->empty()) parent.erase(std::string(map_key));
}

std::string GroupOf(const json& obj) {
  const std::string api_version = StringAt(obj, "apiVersion");
  const std::size_t slash = api_version.find('/');
  return slash == std::string::npos ? std::string() : api_version.substr(0, slash);
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && AsciiLower(a) == AsciiLower(b);
}

}  // namespace drs::sync::internal
