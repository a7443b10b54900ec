#include "kubelet/quantity.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

namespace drs::kubelet {
namespace {

struct Suffix {
  std::string_view text;
  double factor;
};

// Binary suffixes first so "Mi" is not read as "M" followed by junk.
constexpr Suffix kSuffixes[] = {
    {"Ki", 1024.0},
    {"Mi", 1024.0 * 1024},
    {"Gi", 1024.0 * 1024 * 1024},
    {"Ti", 1024.0 * 1024 * 1024 * 1024},
    {"Pi", 1024.0 * 1024 * 1024 * 1024 * 1024},
    {"Ei", 1024.0 * 1024 * 1024 * 1024 * 1024 * 1024},
    {"n", 1e-9},
    {"u", 1e-6},
    {"m", 1e-3},
    {"k", 1e3},
    {"M", 1e6},
    {"G", 1e9},
    {"T", 1e12},
    {"P", 1e15},
    {"E", 1e18},
};

}  // namespace

Result<double> ParseQuantity(std::string_view text) {
  const auto bad = [&] { return InvalidError("\"" + std::string(text) + "\" is not a quantity"); };
  if (text.empty()) return bad();
  double factor = 1;
  std::string_view number = text;
  for (const auto& s : kSuffixes) {
    if (text.size() > s.text.size() && text.ends_with(s.text)) {
      factor = s.factor;
      number = text.substr(0, text.size() - s.text.size());
      break;
    }
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || end != number.data() + number.size() || value < 0) return bad();
  return value * factor;
}

Result<std::string> RenderResource(std::string_view value, std::string_view divisor) {
  DRS_ASSIGN_OR_RETURN(const double v, ParseQuantity(value));
  DRS_ASSIGN_OR_RETURN(const double d, ParseQuantity(divisor.empty() ? "1" : divisor));
  if (d <= 0) return InvalidError("divisor \"" + std::string(divisor) + "\" must be positive");
  // Quantities are exact decimals; a tiny epsilon keeps "1Gi / 1Mi" at 1024
  // despite binary floating point.
  constexpr double kEpsilon = 1e-9;
  const double ratio = std::ceil(v / d - kEpsilon);
  return std::to_string(static_cast<std::int64_t>(ratio));
}

}  // namespace drs::kubelet
