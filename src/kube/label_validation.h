#pragma once
// The Kubernetes rules for label keys and values (apimachinery's
// IsQualifiedName and IsValidLabelValue), used by selectors and by anything
// that writes labels from user input.
//
//   key   = [prefix "/"] name
//   prefix: a DNS-1123 subdomain, at most 253 bytes (e.g. "dr-syncer.io")
//   name:   1-63 bytes of [A-Za-z0-9._-], alphanumeric at both ends
//   value:  empty, or 1-63 bytes with the same rules as name
//
// Thread-safety: pure functions.

#include <string_view>

#include "base/result.h"

namespace drs::kube {

// Invalid, naming the key and the broken rule, when `key` is not a label key.
Status ValidateLabelKey(std::string_view key);
// Invalid, naming the value and the broken rule, when `value` is not a label value.
Status ValidateLabelValue(std::string_view value);

}  // namespace drs::kube
