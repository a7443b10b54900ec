#pragma once
// Base64 (RFC 4648, standard alphabet, '=' padding) as Kubernetes uses it:
// kubeconfig *-data fields, Secret data, an exec plugin's cluster info.
//
// Thread-safety: pure functions.

#include <string>
#include <string_view>

#include "base/result.h"

namespace drs {

std::string Base64Encode(std::string_view bytes);

// Strict decoding: only the standard alphabet, padded to a multiple of four.
// CR and LF are skipped anywhere (Go's decoder does the same, and wrapped
// values appear in hand-written kubeconfigs). Anything else is Invalid; the
// message gives an offset, never the input, which may be a key.
// Callers that decode secrets move the result into SecretBytes.
Result<std::string> Base64Decode(std::string_view text);

}  // namespace drs
