#include "controller/datasync/json_read.h"

namespace drs::controller::datasync {
namespace {

const nlohmann::json kNull;
const nlohmann::json kEmptyArray = nlohmann::json::array();

}  // namespace

const nlohmann::json& Member(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

const nlohmann::json& At(const nlohmann::json& j, std::initializer_list<std::string_view> path) {
  const nlohmann::json* cur = &j;
  for (std::string_view key : path) cur = &Member(*cur, key);
  return *cur;
}

std::string StringAt(const nlohmann::json& j, std::initializer_list<std::string_view> path) {
  const auto& v = At(j, path);
  return v.is_string() ? v.get<std::string>() : std::string();
}

std::int64_t IntAt(const nlohmann::json& j, std::initializer_list<std::string_view> path,
                   std::int64_t fallback) {
  const auto& v = At(j, path);
  if (v.is_number_integer()) return v.get<std::int64_t>();
  return fallback;
}

bool BoolAt(const nlohmann::json& j, std::initializer_list<std::string_view> path) {
  const auto& v = At(j, path);
  return v.is_boolean() && v.get<bool>();
}

double NumberAt(const nlohmann::json& j, std::initializer_list<std::string_view> path) {
  const auto& v = At(j, path);
  return v.is_number() ? v.get<double>() : 0.0;
}

const nlohmann::json& ArrayAt(const nlohmann::json& j,
                              std::initializer_list<std::string_view> path) {
  const auto& v = At(j, path);
  return v.is_array() ? v : kEmptyArray;
}

}  // namespace drs::controller::datasync
