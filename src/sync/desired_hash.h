#pragma once
// The hash of a DR copy's desired form, and how to read back what a live DR
// copy says about itself. The engine compares DesiredHash(desired) with
// AppliedHash(live) to skip objects whose copy is current: a sync that
// changes nothing makes no write.
//
// The hash covers the whole desired object (metadata, spec, data, ...) except
// the hash annotation itself, dumped canonically: nlohmann::json keeps object
// keys sorted, so key order in the input never matters. The desired form holds
// no volatile data (no resourceVersion, status, managedFields, timestamps), so
// the hash changes exactly when what dr-syncer would apply changes.
//
// Thread-safety: pure functions.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace drs::sync {

// Hex digits of SHA-256 kept: 128 bits make an accidental match between two
// desired forms of one object impossible in practice, and stay short in
// annotations and logs.
inline constexpr std::size_t kDesiredHashLength = 32;

// SHA-256 (hex, kDesiredHashLength digits) of `desired` with the annotation
// dr-syncer.io/desired-hash left out if present, so hashing a finished
// desired object gives the same value as hashing it before the annotation
// was added.
std::string DesiredHash(const nlohmann::json& desired);

// True when `dr_object` carries app.kubernetes.io/managed-by=dr-syncer: only
// such objects may be modified or deleted in the DR cluster.
bool IsOurs(const nlohmann::json& dr_object);

// The dr-syncer.io/desired-hash annotation of a live DR copy; nullopt when
// absent or empty (never applied by dr-syncer, or edited away).
std::optional<std::string> AppliedHash(const nlohmann::json& dr_object);

// Lowercase hex SHA-256 of `bytes` (64 digits); for short stable suffixes.
std::string Sha256Hex(std::string_view bytes);

}  // namespace drs::sync
