#include "kubeclient/json_decode.h"

#include <string>
#include <vector>

namespace drs::kubeclient {

using nlohmann::json;

json ParseResponseJson(std::string_view body, ObjectDepth depth, bool drop_managed_fields) {
  if (!drop_managed_fields) return json::parse(body, nullptr, /*allow_exceptions=*/false);
  const int object_keys = static_cast<int>(depth);
  // The last key seen at the objects' own depth: "metadata" while inside it.
  std::string object_key;
  const json::parser_callback_t drop = [&](int d, json::parse_event_t event, json& parsed) {
    if (event != json::parse_event_t::key) return true;
    if (d == object_keys) {
      object_key = parsed.get<std::string>();
    } else if (d == object_keys + 1 && object_key == "metadata" && parsed == "managedFields") {
      return false;  // the key and its whole value are skipped
    }
    return true;
  };
  return json::parse(body, drop, /*allow_exceptions=*/false);
}

}  // namespace drs::kubeclient
