#include "base/go_duration.h"

#include <cstdint>
#include <limits>

namespace drs {
namespace {

constexpr std::uint64_t kNanosecond = 1;
constexpr std::uint64_t kMicrosecond = 1000 * kNanosecond;
constexpr std::uint64_t kMillisecond = 1000 * kMicrosecond;
constexpr std::uint64_t kSecond = 1000 * kMillisecond;
constexpr std::uint64_t kMinute = 60 * kSecond;
constexpr std::uint64_t kHour = 60 * kMinute;
// The magnitude of the most negative int64: a duration may reach it only
// when negative, as in Go.
constexpr std::uint64_t kMaxMagnitude = std::uint64_t{1} << 63;

Error Bad(std::string_view text, std::string_view why) {
  return InvalidError("invalid duration \"" + std::string(text) + "\": " + std::string(why));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The unit at text[pos...], longest match first; 0 when there is none.
std::uint64_t UnitAt(std::string_view text, std::size_t& pos) {
  struct Unit {
    std::string_view name;
    std::uint64_t nanos;
  };
  // "ms" comes before "m" so that minutes never swallow the m of ms.
  static constexpr Unit kUnits[] = {
      {"ns", kNanosecond},
      {"us", kMicrosecond},
      {"\u00b5s", kMicrosecond},
      {"\u03bcs", kMicrosecond},
      {"ms", kMillisecond},
      {"s", kSecond},
      {"m", kMinute},
      {"h", kHour},
  };
  for (const Unit& unit : kUnits) {
    if (text.substr(pos).starts_with(unit.name)) {
      pos += unit.name.size();
      return unit.nanos;
    }
  }
  return 0;
}

// Appends v as Go's fmtFrac/fmtInt would, for FormatDuration.
std::string Fraction(std::uint64_t v, int precision) {
  std::string digits;
  bool printed = false;
  for (int i = 0; i < precision; ++i) {
    const auto digit = static_cast<char>('0' + v % 10);
    printed = printed || digit != '0';
    if (printed) digits.insert(digits.begin(), digit);
    v /= 10;
  }
  return printed ? "." + digits : "";
}

}  // namespace

Result<GoDuration> ParseGoDuration(std::string_view text) {
  std::size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) {
    negative = text[pos] == '-';
    ++pos;
  }
  if (text.substr(pos) == "0") return GoDuration{0};
  if (pos == text.size()) return Bad(text, "empty");
  std::uint64_t total = 0;
  while (pos < text.size()) {
    // The integer part.
    std::uint64_t whole = 0;
    const std::size_t whole_start = pos;
    bool overflow = false;
    while (pos < text.size() && IsDigit(text[pos])) {
      const auto digit = static_cast<std::uint64_t>(text[pos] - '0');
      if (whole > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) overflow = true;
      whole = whole * 10 + digit;
      ++pos;
    }
    const bool has_whole = pos > whole_start;
    // The fraction, kept as digits over a power of ten.
    std::uint64_t fraction = 0;
    double scale = 1;
    bool has_fraction = false;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      const std::size_t fraction_start = pos;
      bool fraction_full = false;
      while (pos < text.size() && IsDigit(text[pos])) {
        // Digits past 2^63 cannot change a nanosecond count; Go drops them
        // at the same point, so both round alike.
        const std::uint64_t next = fraction * 10 + static_cast<std::uint64_t>(text[pos] - '0');
        if (!fraction_full && fraction <= kMaxMagnitude / 10 && next <= kMaxMagnitude) {
          fraction = next;
          scale *= 10;
        } else {
          fraction_full = true;
        }
        ++pos;
      }
      has_fraction = pos > fraction_start;
    }
    if (!has_whole && !has_fraction) return Bad(text, "expected a number");
    const std::uint64_t unit = UnitAt(text, pos);
    if (unit == 0) {
      return Bad(text, pos == text.size() ? "missing unit" : "unknown unit");
    }
    if (overflow || whole > kMaxMagnitude / unit) return Bad(text, "out of range");
    std::uint64_t value = whole * unit;
    if (fraction > 0) {
      value += static_cast<std::uint64_t>(static_cast<double>(fraction) *
                                          (static_cast<double>(unit) / scale));
    }
    if (value > kMaxMagnitude || total > kMaxMagnitude - value) return Bad(text, "out of range");
    total += value;
  }
  if (!negative && total == kMaxMagnitude) return Bad(text, "out of range");
  if (negative) {
    // Two's complement: -2^63 is representable, its magnitude is not.
    return GoDuration{static_cast<std::int64_t>(~total + 1)};
  }
  return GoDuration{static_cast<std::int64_t>(total)};
}

std::string FormatGoDuration(GoDuration d) {
  const std::int64_t count = d.count();
  if (count == 0) return "0s";
  const bool negative = count < 0;
  std::uint64_t u =
      negative ? ~static_cast<std::uint64_t>(count) + 1 : static_cast<std::uint64_t>(count);
  std::string out;
  if (u < kSecond) {
    // Sub-second values use the largest unit below a second that fits.
    if (u < kMicrosecond) {
      out = std::to_string(u) + "ns";
    } else if (u < kMillisecond) {
      out = std::to_string(u / kMicrosecond) + Fraction(u % kMicrosecond, 3) + "\u00b5s";
    } else {
      out = std::to_string(u / kMillisecond) + Fraction(u % kMillisecond, 6) + "ms";
    }
  } else {
    out = std::to_string(u / kSecond % 60) + Fraction(u % kSecond, 9) + "s";
    const std::uint64_t minutes = u / kMinute;
    if (minutes > 0) {
      out = std::to_string(minutes % 60) + "m" + out;
      const std::uint64_t hours = u / kHour;
      if (hours > 0) out = std::to_string(hours) + "h" + out;
    }
  }
  return negative ? "-" + out : out;
}

std::string FormatGoDurationShort(GoDuration d) {
  const std::int64_t count = d.count();
  if (count == 0) return "0s";
  const bool negative = count < 0;
  std::uint64_t u =
      negative ? ~static_cast<std::uint64_t>(count) + 1 : static_cast<std::uint64_t>(count);
  if (u % kMillisecond != 0) return FormatGoDuration(d);  // sub-millisecond: Go's form is exact
  std::string out;
  const auto part = [&](std::uint64_t unit, std::string_view name) {
    if (u >= unit) {
      out += std::to_string(u / unit);
      out += name;
      u %= unit;
    }
  };
  part(kHour, "h");
  part(kMinute, "m");
  part(kSecond, "s");
  part(kMillisecond, "ms");
  return negative ? "-" + out : out;
}

}  // namespace drs
