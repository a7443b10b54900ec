#include "base/go_duration.h"

#include <cmath>
#include <limits>

namespace drs {
namespace {

struct Unit {
  std::string_view name;
  double nanos;
};
// Longest names first so "ms" is not read as "m" + "s".
constexpr Unit kUnits[] = {{"ns", 1}, {"us", 1e3}, {"\xC2\xB5s", 1e3}, {"ms", 1e6},
                           {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};

Error Bad(std::string_view text, std::string_view why) {
  return InvalidError("invalid duration \"" + std::string(text) + "\": " + std::string(why) +
                      " (examples: 30s, 5m, 1h30m, 250ms)");
}

}  // namespace

Result<std::chrono::nanoseconds> ParseGoDuration(std::string_view text) {
  if (text == "0") return std::chrono::nanoseconds(0);
  if (text.empty()) return Bad(text, "empty");
  if (text.front() == '-') return Bad(text, "negative durations are not allowed");
  if (text.front() == '+') text.remove_prefix(1);
  std::string_view rest = text;
  double total = 0;
  while (!rest.empty()) {
    std::size_t i = 0;
    bool digits = false;
    while (i < rest.size() && ((rest[i] >= '0' && rest[i] <= '9') || rest[i] == '.')) {
      digits = digits || rest[i] != '.';
      ++i;
    }
    if (!digits) return Bad(text, "expected a number");
    const std::string number(rest.substr(0, i));
    if (number.find('.') != number.rfind('.')) return Bad(text, "malformed number");
    rest.remove_prefix(i);
    const Unit* unit = nullptr;
    for (const auto& u : kUnits) {
      if (rest.starts_with(u.name) && (unit == nullptr || u.name.size() > unit->name.size())) {
        unit = &u;
      }
    }
    if (unit == nullptr) return Bad(text, "missing or unknown unit (ns, us, ms, s, m, h)");
    rest.remove_prefix(unit->name.size());
    total += std::stod(number) * unit->nanos;
  }
  if (total > static_cast<double>(std::numeric_limits<std::int64_t>::max())) {
    return Bad(text, "too large");
  }
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::floor(total)));
}

std::string FormatGoDuration(std::chrono::nanoseconds d) {
  using namespace std::chrono;
  if (d == nanoseconds::zero()) return "0s";
  if (d < seconds(1)) {
    if (d % milliseconds(1) == nanoseconds::zero()) return std::to_string(d / milliseconds(1)) + "ms";
    if (d % microseconds(1) == nanoseconds::zero()) return std::to_string(d / microseconds(1)) + "us";
    return std::to_string(d.count()) + "ns";
  }
  std::string out;
  const auto h = duration_cast<hours>(d);
  const auto m = duration_cast<minutes>(d - h);
  const auto rest = d - h - m;
  if (h.count() > 0) out += std::to_string(h.count()) + "h";
  if (h.count() > 0 || m.count() > 0) out += std::to_string(m.count()) + "m";
  const auto whole = duration_cast<seconds>(rest);
  const auto frac = rest - whole;
  if (frac == nanoseconds::zero()) return out + std::to_string(whole.count()) + "s";  // Go: "1h0m0s"
  std::string f = std::to_string(frac.count() + 1'000'000'000).substr(1);  // 9 digits
  while (f.back() == '0') f.pop_back();
  return out + std::to_string(whole.count()) + "." + f + "s";
}

}  // namespace drs
