#include "sync/quantity.h"

#include <cmath>
#include <cstdlib>
#include <string>

namespace drs::sync {

std::optional<long double> ParseQuantity(std::string_view text) {
  struct Suffix {
    std::string_view name;
    long double factor;
  };
  static constexpr Suffix kSuffixes[] = {{"Ki", 1024.0L},
                                         {"Mi", 1048576.0L},
                                         {"Gi", 1073741824.0L},
                                         {"Ti", 1099511627776.0L},
                                         {"Pi", 1125899906842624.0L},
                                         {"Ei", 1152921504606846976.0L},
                                         {"n", 1e-9L},
                                         {"u", 1e-6L},
                                         {"m", 1e-3L},
                                         {"k", 1e3L},
                                         {"M", 1e6L},
                                         {"G", 1e9L},
                                         {"T", 1e12L},
                                         {"P", 1e15L},
                                         {"E", 1e18L}};
  if (text.empty()) return std::nullopt;
  long double factor = 1.0L;
  for (const auto& s : kSuffixes) {
    if (text.size() > s.name.size() && text.ends_with(s.name)) {
      factor = s.factor;
      text.remove_suffix(s.name.size());
      break;
    }
  }
  const std::string number(text);
  char* end = nullptr;
  const long double value = std::strtold(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(value)) return std::nullopt;
  return value * factor;
}

}  // namespace drs::sync
