#pragma once
// ObjectReader: decodes the fields of one JSON object of our CRDs into C++
// values, recording a FieldErrors entry (with the field's path) for every
// value of the wrong type instead of stopping at the first. An absent field,
// or an explicit null, leaves the output at its default: that is how the
// schema's defaults reach objects the API server did not default (objects
// written before a default existed, or read from the Go dr-syncer's CRDs).
//
//   ObjectReader spec(&obj["spec"], "spec", &errors);
//   spec.Number("qps", out.qps);
//   ObjectReader ref = spec.Object("kubeconfigSecretRef");
//   ref.String("name", out.kubeconfig_secret_ref.name);
//
// Never throws: only type-checked nlohmann accessors are used.
// Thread-safety: one reader per thread; the JSON must outlive it.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/duration.h"
#include "api/field_errors.h"
#include "base/clock.h"

namespace drs::api {

class ObjectReader {
 public:
  // `object` may be null (everything reads as absent). If it is present but
  // not a JSON object, that is recorded against `path`.
  ObjectReader(const nlohmann::json* object, std::string path, FieldErrors* errors);

  // True when the object exists (and is a JSON object).
  bool present() const { return object_ != nullptr; }
  const std::string& path() const { return path_; }
  std::string PathOf(std::string_view key) const { return JoinPath(path_, key); }
  // The raw member; nullptr when absent or null.
  const nlohmann::json* Get(std::string_view key) const;
  bool Has(std::string_view key) const { return Get(key) != nullptr; }

  // Each returns whether a value was read (false when absent or mistyped).
  bool String(std::string_view key, std::string& out);
  bool Bool(std::string_view key, bool& out);
  bool Int32(std::string_view key, std::int32_t& out);
  bool Int64(std::string_view key, std::int64_t& out);
  bool Number(std::string_view key, double& out);
  // A non-negative Go duration string ("30s"); signs are refused, as the
  // schema's pattern refuses them. An empty string counts as absent (the Go
  // dr-syncer's patterns allowed "").
  bool GoDuration(std::string_view key, api::Duration& out);
  // An RFC 3339 time.
  bool Time(std::string_view key, std::optional<Clock::WallTime>& out);
  bool StringList(std::string_view key, std::vector<std::string>& out);
  bool StringMap(std::string_view key, std::map<std::string, std::string>& out);
  // Any JSON value, kept as is (fields we pass through to Kubernetes objects).
  bool Raw(std::string_view key, nlohmann::json& out);

  // A nested object; absent -> a reader that is not present().
  ObjectReader Object(std::string_view key);
  // Calls `each` with a reader for every element of an array of objects.
  // Returns false when absent or not an array.
  bool Objects(std::string_view key, const std::function<void(ObjectReader&)>& each);

  FieldErrors& errors() { return *errors_; }

 private:
  void Mistyped(std::string_view key, std::string_view want);

  const nlohmann::json* object_ = nullptr;
  std::string path_;
  FieldErrors* errors_;
};

}  // namespace drs::api
