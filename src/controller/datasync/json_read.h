#pragma once
// Non-throwing reads of untrusted JSON (objects from API servers, the
// termination messages of movers): a missing or mistyped member reads as
// the empty value, never as an exception or an assertion.
//
// Thread-safety: pure functions over caller-owned values.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace drs::controller::datasync {

// `j[key]` when j is an object holding key, else a static null.
const nlohmann::json& Member(const nlohmann::json& j, std::string_view key);
// Member() followed along a path: At(pod, {"status", "phase"}).
const nlohmann::json& At(const nlohmann::json& j, std::initializer_list<std::string_view> path);
// The string (else ""), integer (else `fallback`), bool (else false),
// number (else 0) at `path`.
std::string StringAt(const nlohmann::json& j, std::initializer_list<std::string_view> path);
std::int64_t IntAt(const nlohmann::json& j, std::initializer_list<std::string_view> path,
                   std::int64_t fallback = 0);
bool BoolAt(const nlohmann::json& j, std::initializer_list<std::string_view> path);
double NumberAt(const nlohmann::json& j, std::initializer_list<std::string_view> path);
// The array at `path`, else a static empty array (iterating it is safe).
const nlohmann::json& ArrayAt(const nlohmann::json& j,
                              std::initializer_list<std::string_view> path);

}  // namespace drs::controller::datasync
