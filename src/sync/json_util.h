#pragma once
// Small helpers over nlohmann::json shared by the selection and transform
// code. Untrusted input: nothing here throws or asserts; a missing or
// mistyped member reads as absent.
//
// Thread-safety: pure functions over caller-owned values.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace drs::sync::internal {

// The member `key` of `j` when j is an object that has it, else nullptr.
const nlohmann::json* Find(const nlohmann::json& j, std::string_view key);
nlohmann::json* Find(nlohmann::json& j, std::string_view key);
// As Find, but only when the member is itself a JSON object (or array).
const nlohmann::json* FindObject(const nlohmann::json& j, std::string_view key);
nlohmann::json* FindObject(nlohmann::json& j, std::string_view key);
nlohmann::json* FindArray(nlohmann::json& j, std::string_view key);
// The string member `key`, or "" when absent or not a string.
std::string StringAt(const nlohmann::json& j, std::string_view key);

// Erases `key` from `j` when j is an object; no-op otherwise.
void Erase(nlohmann::json& j, std::string_view key);
// Erases `key` from the object `parent[map_key]` and drops that map once it
// is empty: the API server omits empty maps, so keeping one would read as
// drift (drift.h) forever.
void EraseFromMap(nlohmann::json& parent, std::string_view map_key, std::string_view key);

// The API group of obj's apiVersion: "apps" for "apps/v1", "" for "v1".
std::string GroupOf(const nlohmann::json& obj);

std::string AsciiLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace drs::sync::internal
