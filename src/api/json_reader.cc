#include "api/json_reader.h"

#include <cmath>
#include <limits>
#include <utility>

#include "base/rfc3339.h"

namespace drs::api {

using nlohmann::json;

ObjectReader::ObjectReader(const json* object, std::string path, FieldErrors* errors)
    : path_(std::move(path)), errors_(errors) {
  if (object == nullptr || object->is_null()) return;
  if (!object->is_object()) {
    errors_->Add(path_, "must be an object");
    return;
  }
  object_ = object;
}

const json* ObjectReader::Get(std::string_view key) const {
  if (object_ == nullptr) return nullptr;
  const auto it = object_->find(key);
  if (it == object_->end() || it->is_null()) return nullptr;
  return &*it;
}

void ObjectReader::Mistyped(std::string_view key, std::string_view want) {
  errors_->Add(PathOf(key), "must be " + std::string(want));
}

bool ObjectReader::String(std::string_view key, std::string& out) {
  const json* v = Get(key);
  if (v == nullptr) return false;
  if (!v->is_string()) {
    Mistyped(key, "a string");
    return false;
  }
  out = v->get<std::string>();
  return true;
}

bool ObjectReader::Bool(std::string_view key, bool& out) {
  const json* v = Get(key);
  if (v == nullptr) return false;
  if (!v->is_boolean()) {
    Mistyped(key, "a boolean");
    return false;
  }
  out = v->get<bool>();
  return true;
}

bool ObjectReader::Int64(std::string_view key, std::int64_t& out) {
  const json* v = Get(key);
  if (v == nullptr) return false;
  if (v->is_number_unsigned()) {
    const auto u = v->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      Mistyped(key, "a 64-bit integer");
      return false;
    }
    out = static_cast<std::int64_t>(u);
    return true;
  }
  if (v->is_number_integer()) {
    out = v->get<std::int64_t>();
    return true;
  }
  // JSON has one number type; 3.0 is an integer to the API server too.
  if (v->is_number_float()) {
    const double d = v->get<double>();
    if (std::trunc(d) == d && std::abs(d) < 9.0e15) {
      out = static_cast<std::int64_t>(d);
      return true;
    }
  }
  Mistyped(key, "an integer");
  return false;
}

bool ObjectReader::Int32(std::string_view key, std::int32_t& out) {
  std::int64_t wide = 0;
  if (!Int64(key, wide)) return false;
  if (wide < std::numeric_limits<std::int32_t>::min() ||
      wide > std::numeric_limits<std::int32_t>::max()) {
    Mistyped(key, "a 32-bit integer");
    return false;
  }
  out = static_cast<std::int32_t>(wide);
  return true;
}

bool ObjectReader::Number(std::string_view key, double& out) {
  const json* v = Get(key);
  if (v == nullptr) return false;
  if (!v->is_number()) {
    Mistyped(key, "a number");
    return false;
  }
  out = v->get<double>();
  return true;
}

bool ObjectReader::GoDuration(std::string_view key, api::Duration& out) {
  std::string text;
  if (!String(key, text) || text.empty()) return false;
  if (text.front() == '+' || text.front() == '-') {
    errors_->Add(PathOf(key), "must be a duration without a sign, like 30s, 5m or 1h30m");
    return false;
  }
  auto parsed = ParseDuration(text);
  if (!parsed.ok()) {
    errors_->Add(PathOf(key), parsed.error().message() + " (want e.g. 30s, 5m or 1h30m)");
    return false;
  }
  out = *parsed;
  return true;
}

bool ObjectReader::Time(std::string_view key, std::optional<Clock::WallTime>& out) {
  std::string text;
  if (!String(key, text)) return false;
  auto parsed = ParseRfc3339(text);
  if (!parsed.ok()) {
    errors_->AddError(PathOf(key), parsed.error());
    return false;
  }
  out = *parsed;
  return true;
}

bool ObjectReader::StringList(std::string_view key, std::vector<std::string>& out) {
  const json* v = Get(key);
  if (v == nullptr) return false;
  if (!v->is_array()) {
    Mistyped(key, "a list of strings");
    return false;
  }
  std::vector<std::string> values;
  bool ok = true;
  for (std::size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) {
      errors_->Add(IndexPath(PathOf(key), i), "must be a string");
      ok = false;
      continue;
    }
    values.push_back((*v)[i].get<std::string>());
  }
  if (ok) out = std::move(values);
  return ok;
}

bool ObjectReader::StringMap(std::string_view key, std::map<std::string, std::string>& out) {
  const json* v = Get(key);
  if (v == nullptr) return false;
  if (!v->is_object()) {
    Mistyped(key, "a map of strings");
    return false;
  }
  std::map<std::string, std::string> values;
  bool ok = true;
  for (const auto& [k, value] : v->items()) {
    if (!value.is_string()) {
      errors_->Add(JoinPath(PathOf(key), k), "must be a string");
      ok = false;
      continue;
    }
    values.emplace(k, value.get<std::string>());
  }
  if (ok) out = std::move(values);
  return ok;
}

bool ObjectReader::Raw(std::string_view key, json& out) {
  const json* v = Get(key);
  if (v == nullptr) return false;
  out = *v;
  return true;
}

ObjectReader ObjectReader::Object(std::string_view key) {
  return ObjectReader(Get(key), PathOf(key), errors_);
}

bool ObjectReader::Objects(std::string_view key, const std::function<void(ObjectReader&)>& each) {
  const json* v = Get(key);
  if (v == nullptr) return false;
  if (!v->is_array()) {
    Mistyped(key, "a list");
    return false;
  }
  for (std::size_t i = 0; i < v->size(); ++i) {
    const json& item = (*v)[i];
    const std::string item_path = IndexPath(PathOf(key), i);
    if (!item.is_object()) {
      errors_->Add(item_path, "must be an object");
      continue;
    }
    ObjectReader reader(&item, item_path, errors_);
    each(reader);
  }
  return true;
}

}  // namespace drs::api
