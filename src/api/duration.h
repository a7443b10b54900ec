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

#include "base/go_duration.h"
#include "base/result.h"

namespace drs::api {

// Every duration in dr-syncer's API, at Go's resolution. The parser and
// formatter live in base/go_duration.h so flags and API types share one.
using Duration = GoDuration;

inline Result<Duration> ParseDuration(std::string_view text) { return ParseGoDuration(text); }
inline std::string FormatDuration(Duration d) { return FormatGoDuration(d); }
inline std::string FormatDurationShort(Duration d) { return FormatGoDurationShort(d); }

}  // namespace drs::api
