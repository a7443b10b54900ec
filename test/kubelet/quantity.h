#pragma once
// Just enough of Kubernetes resource quantities ("500m", "1Gi", "2", "1e3")
// for the downward API's resourceFieldRef: a value as a double and the
// ceil(value / divisor) the kubelet exposes.
//
// Thread-safety: pure functions.

#include <string>
#include <string_view>

#include "base/result.h"

namespace drs::kubelet {

// Invalid on anything that is not a quantity.
Result<double> ParseQuantity(std::string_view text);

// The downward API's rendering: ceil(value / divisor) as an integer string
// (at least 1 for a non-zero value, as the kubelet does for CPU).
Result<std::string> RenderResource(std::string_view value, std::string_view divisor);

}  // namespace drs::kubelet
