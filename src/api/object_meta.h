#pragma once
// ObjectMeta: the parts of metav1.ObjectMeta our controllers act on, decoded
// once with the rest of an object so a reconciler holds one typed value.
//
// Thread-safety: a value type.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "api/json_reader.h"

namespace drs::api {

struct ObjectMeta {
  std::string name;
  std::string ns;  // metadata.namespace
  std::string uid;
  std::string resource_version;
  std::int64_t generation = 0;
  std::vector<std::string> finalizers;
  // metadata.deletionTimestamp is set: finalizers are running.
  bool being_deleted = false;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
};

// Reads `metadata` of an object (the reader of the whole object).
void ReadObjectMeta(ObjectReader& object, ObjectMeta& out);

}  // namespace drs::api
