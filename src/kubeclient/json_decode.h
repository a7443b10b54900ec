#pragma once
// Decoding API server responses. metadata.managedFields (server-side apply's
// field ownership) is often half of an object's bytes, and dr-syncer never
// reads it: list and watch callers that keep many objects can drop it while
// parsing, so it is never built in memory at all.
//
// Thread-safety: pure functions.

#include <string_view>

#include <nlohmann/json.hpp>

namespace drs::kubeclient {

// Where the objects sit in a response body, as nlohmann's parse depth of
// their own keys: a single object's keys are at depth 1, a watch event's
// object's at 2, a list's items' at 3.
enum class ObjectDepth { kObject = 1, kWatchEvent = 2, kListItem = 3 };

// Parses `body`; a discarded value (is_discarded()) means it is not JSON.
// With `drop_managed_fields`, metadata.managedFields of the objects at
// `depth` is left out (only there: a ConfigMap key named managedFields in
// data is kept).
nlohmann::json ParseResponseJson(std::string_view body, ObjectDepth depth,
                                 bool drop_managed_fields);

}  // namespace drs::kubeclient
