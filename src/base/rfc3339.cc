#include "base/rfc3339.h"

#include <cstdio>

namespace drs {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

constexpr std::size_t kDateTimeLength = 19;  // "YYYY-MM-DDTHH:MM:SS"
constexpr int kMaxFractionDigits = 9;        // nanoseconds

// Reads exactly `width` digits at text[pos]; -1 if any is not a digit.
int Digits(std::string_view text, std::size_t pos, std::size_t width) {
  if (pos + width > text.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool IsAt(std::string_view text, std::size_t pos, char lower_or_symbol) {
  if (pos >= text.size()) return false;
  const char c = text[pos];
  return c == lower_or_symbol || (lower_or_symbol >= 'a' && c == lower_or_symbol - 'a' + 'A');
}

Error Bad(std::string_view text, std::string_view why) {
  return InvalidError("\"" + std::string(text) + "\" is not an RFC 3339 time: " + std::string(why));
}

}  // namespace

Result<Clock::WallTime> ParseRfc3339(std::string_view text) {
  // Offsets are those of the fixed-width layout "YYYY-MM-DDTHH:MM:SS".
  const int year = Digits(text, 0, 4);
  const int month = Digits(text, 5, 2);
  const int day = Digits(text, 8, 2);
  const int hour = Digits(text, 11, 2);
  const int minute = Digits(text, 14, 2);
  const int second = Digits(text, 17, 2);
  if (text.size() < kDateTimeLength || year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 ||
      second < 0 || !IsAt(text, 4, '-') || !IsAt(text, 7, '-') || !IsAt(text, 10, 't') ||
      !IsAt(text, 13, ':') || !IsAt(text, 16, ':')) {
    return Bad(text, "want YYYY-MM-DDTHH:MM:SS");
  }
  const std::chrono::year_month_day date{std::chrono::year{year},
                                         std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return Bad(text, "out of range");
  std::size_t pos = kDateTimeLength;
  nanoseconds fraction{0};
  if (IsAt(text, pos, '.')) {
    ++pos;
    int digits = 0;
    std::int64_t value = 0;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, ++digits) {
      if (digits < kMaxFractionDigits) value = value * 10 + (text[pos] - '0');
    }
    if (digits == 0) return Bad(text, "empty fraction");
    for (int d = digits; d < kMaxFractionDigits; ++d) value *= 10;
    fraction = nanoseconds(value);
  }
  minutes offset{0};
  if (IsAt(text, pos, 'z')) {
    ++pos;
  } else if (IsAt(text, pos, '+') || IsAt(text, pos, '-')) {
    const int off_hour = Digits(text, pos + 1, 2);
    const int off_minute = Digits(text, pos + 4, 2);
    if (off_hour < 0 || off_minute < 0 || !IsAt(text, pos + 3, ':') || off_hour > 23 ||
        off_minute > 59) {
      return Bad(text, "bad offset");
    }
    offset = hours(off_hour) + minutes(off_minute);
    if (text[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return Bad(text, "missing time zone");
  }
  if (pos != text.size()) return Bad(text, "trailing characters");
  const auto local = std::chrono::sys_days(date) + hours(hour) + minutes(minute) + seconds(second);
  return std::chrono::time_point_cast<Clock::WallTime::duration>(local - offset + fraction);
}

std::string FormatRfc3339(Clock::WallTime time) {
  const auto secs = std::chrono::floor<seconds>(time);
  const auto day_point = std::chrono::floor<days>(secs);
  const std::chrono::year_month_day date(day_point);
  const std::chrono::hh_mm_ss hms(secs - day_point);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

}  // namespace drs
