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

using GoDuration = std::chrono::nanoseconds;

// Go's time.ParseDuration: a sign, then decimal numbers with units ns, us
// (or µs/μs), ms, s, m, h: "30s", "1h30m", "2.5s", "720h", "0". Invalid
// (quoting the text) on anything else, including an empty string, a missing
// unit and values beyond ±292 years. This is also what CEL's duration()
// accepts, so the API server's rules and the controller agree.
Result<GoDuration> ParseGoDuration(std::string_view text);

// Go's Duration.String(): "1h30m0s", "5m0s", "100ms", "1.5µs", "0s".
std::string FormatGoDuration(GoDuration d);
// Without zero units: "1h30m", "5m", "720h".
std::string FormatGoDurationShort(GoDuration d);

}  // namespace drs
