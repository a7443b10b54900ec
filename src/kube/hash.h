#pragma once
// HashCombine: folds field hashes into one for the std::hash specialisations
// of the kube value types (group/version names, object keys).
//
// Thread-safety: pure function.

#include <cstddef>
#include <functional>
#include <string_view>

namespace drs::kube::internal {

// Boost's mixing step; the constant is the golden-ratio fraction 2^64 / phi,
// which spreads consecutive hashes across the whole word.
inline std::size_t HashCombine(std::size_t seed, std::string_view part) {
  constexpr std::size_t kGoldenRatio = 0x9e3779b97f4a7c15ULL;
  constexpr int kLeftShift = 6;
  constexpr int kRightShift = 2;
  return seed ^ (std::hash<std::string_view>{}(part) + kGoldenRatio + (seed << kLeftShift) +
                 (seed >> kRightShift));
}

}  // namespace drs::kube::internal
