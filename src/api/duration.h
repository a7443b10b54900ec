#pragma once
// Durations as our CRDs spell them: Go's time.ParseDuration syntax ("30s",
// "5m", "1h30m", "720h", "100ms", "1.5h"), which is also what CEL's
// duration() accepts, so the API server's validation rules and the
// controller agree on every value.
//
//   duration  = [sign] ( "0" | component+ )
//   component = number unit;  number = digits ["." digits] | "." digits
//   unit      = "ns" | "us" | "µs" | "μs" | "ms" | "s" | "m" | "h"
//
// Thread-safety: pure functions.

#include <chrono>
#include <string>
#include <string_view>

#include "base/result.h"

namespace drs::api {

// Every duration in dr-syncer's API, at Go's resolution.
using Duration = std::chrono::nanoseconds;

// Go's time.ParseDuration: Invalid (quoting the text) on anything else,
// including an empty string, a missing unit and values beyond ±292 years.
Result<Duration> ParseDuration(std::string_view text);

// Go's Duration.String(): "1h30m0s", "5m0s", "100ms", "1.5µs", "0s". It
// parses back to the same value.
std::string FormatDuration(Duration d);

// The shortest exact spelling with units h, m, s, ms only where needed:
// "1h30m", "5m", "30s", "100ms", "0s". What our ToJson functions write, so
// objects we build read like the ones users write.
std::string FormatDurationShort(Duration d);

}  // namespace drs::api
