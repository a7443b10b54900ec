#pragma once
// RFC 3339 timestamps as the Kubernetes API writes them ("2026-01-02T03:04:05Z",
// with optional fractional seconds and a numeric offset): token expiry,
// status times, condition transitions.
//
// Thread-safety: pure functions.

#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"

namespace drs {

// Invalid on anything that is not a complete RFC 3339 date-time.
Result<Clock::WallTime> ParseRfc3339(std::string_view text);

// UTC, whole seconds, "Z" suffix: the form the API server emits.
std::string FormatRfc3339(Clock::WallTime time);

}  // namespace drs
