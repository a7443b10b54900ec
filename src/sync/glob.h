#pragma once
// Name globs of Replication exclude rules: '*' matches any run of characters
// (also none), '?' exactly one, everything else itself. No character classes
// and no escapes: Kubernetes names cannot contain '*', '?', '[' or '\'.
//
// Thread-safety: pure function.

#include <string_view>

namespace drs::sync {

// True when `pattern` matches the whole of `name` (case-sensitive, as names
// are). Linear in |pattern| * |name| at worst, never exponential.
bool GlobMatch(std::string_view pattern, std::string_view name);

}  // namespace drs::sync
