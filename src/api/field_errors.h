#pragma once
// FieldErrors collects every problem found in one object, each under the
// path of the field it concerns ("spec.kubeconfigSecretRef.name"), so that a
// user sees all of them at once and in the API server's own vocabulary:
// decoding and validation report "spec.qps: must be greater than 0" where
// the server says "spec.qps: Invalid value: ...".
//
// Thread-safety: a value type; not for concurrent mutation.

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace drs::api {

class FieldErrors {
 public:
  // "must be ..." style messages; the path is prefixed when printed.
  void Add(std::string path, std::string message);
  void AddRequired(std::string path) { Add(std::move(path), "required"); }
  // Adds an error that came back from a helper (e.g. a label key check),
  // keeping its message.
  void AddError(std::string path, const Error& error);
  void Merge(const FieldErrors& other);

  bool empty() const { return causes_.empty(); }
  const std::vector<FieldCause>& causes() const { return causes_; }

  // OK when empty; else Invalid (terminal: retrying cannot fix input) with
  // "path: message; path: message" and one FieldCause per problem.
  Status ToStatus() const;

 private:
  std::vector<FieldCause> causes_;
};

// "spec" + "qps" -> "spec.qps"; "" + "spec" -> "spec".
std::string JoinPath(std::string_view parent, std::string_view key);
// "spec.exclude" + 2 -> "spec.exclude[2]".
std::string IndexPath(std::string_view parent, std::size_t index);

}  // namespace drs::api
