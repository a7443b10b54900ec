#pragma once
// Durations written the way Kubernetes users write them (Go's
// time.ParseDuration): decimal numbers with units ns, us (or µs), ms, s, m,
// h, concatenated: "30s", "1h30m", "2.5s", "720h". Used by flags and by the
// API types, so one syntax is accepted everywhere.

#include <chrono>
#include <string>
#include <string_view>

#include "base/result.h"

namespace drs {

// Negative durations are refused (nothing in dr-syncer counts backwards);
// "0" alone is zero. Precision is nanoseconds; the result is rounded down.
Result<std::chrono::nanoseconds> ParseGoDuration(std::string_view text);

// Go's spelling: 90s -> "1m30s", 1h -> "1h0m0s", 0 -> "0s", 1.5s -> "1.5s".
std::string FormatGoDuration(std::chrono::nanoseconds d);

}  // namespace drs
