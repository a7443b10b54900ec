#pragma once
// Drift: has someone changed a DR copy by hand? The desired form of an
// object names every field dr-syncer sets; the live copy also carries what
// the DR API server added (defaults, status, managedFields, allocated
// IPs). Projecting the live object onto the desired one's shape keeps
// exactly the fields we set, so "projection == desired" means no drift —
// decided locally, from the LIST the engine already made, at no request.
//
// Thread-safety: pure functions.

#include <nlohmann/json.hpp>

namespace drs::sync {

// `live` restricted to the paths present in `desired`: objects key by key,
// arrays element by element when both have the same length (otherwise the
// live array whole, which then compares unequal), scalars as they are. A
// path missing in `live` projects to null.
nlohmann::json ProjectOnto(const nlohmann::json& desired, const nlohmann::json& live);

// True when a field dr-syncer sets differs in `live` (edited by hand,
// deleted, or never applied).
bool HasDrifted(const nlohmann::json& desired, const nlohmann::json& live);

}  // namespace drs::sync
