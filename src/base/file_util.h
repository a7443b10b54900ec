#pragma once
// Whole-file reads for configuration: kubeconfigs, CA bundles, keys, tokens.
//
// Thread-safety: pure functions (they touch only the named file).

#include <cstddef>
#include <string>

#include "base/result.h"

namespace drs {

// 16 MiB: far above any kubeconfig, certificate bundle or token, low enough
// that a path pointing at /dev/zero or a log cannot exhaust memory.
constexpr std::size_t kDefaultMaxFileBytes = std::size_t{16} << 20;

// The file's bytes. Errors name the path: NotFound, PermissionDenied,
// ResourceExhausted (larger than max_bytes) or Unavailable.
Result<std::string> ReadFileToString(const std::string& path,
                                     std::size_t max_bytes = kDefaultMaxFileBytes);

}  // namespace drs
