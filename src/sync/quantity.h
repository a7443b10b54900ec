#pragma once
// Kubernetes resource quantities ("10Gi", "500M", "1.5Ti", "1e3"), as far as
// comparing storage sizes needs: the value in bytes, or nullopt when the
// text is not a quantity.
//
// Thread-safety: pure function.

#include <optional>
#include <string_view>

namespace drs::sync {

std::optional<long double> ParseQuantity(std::string_view text);

}  // namespace drs::sync
