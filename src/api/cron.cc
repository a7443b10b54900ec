#include "api/cron.h"

#include <array>
#include <cctype>
#include <chrono>
#include <vector>

namespace drs::api {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::sys_days;

// Steps are one or two digits, as the CRD's pattern allows.
constexpr int kMaxStep = 99;
// A schedule that has not fired in this many years never will: the longest
// real gap is a 29 February that skips a non-leap century year (8 years).
constexpr int kSearchYears = 10;

struct FieldSpec {
  std::string_view name;
  int min;
  int max;
  // Names for the values min, min+1, ... (empty when the field has none).
  std::vector<std::string_view> names;
};

const FieldSpec kMinute{"minute", 0, 59, {}};
const FieldSpec kHour{"hour", 0, 23, {}};
const FieldSpec kDayOfMonth{"day-of-month", 1, 31, {}};
const FieldSpec kMonth{
    "month",
    1,
    12,
    {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}};
// 7 is Sunday too; it is folded onto 0 after parsing.
const FieldSpec kDayOfWeek{"day-of-week", 0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}};

Error Bad(const FieldSpec& field, std::string_view item, std::string_view why) {
  return InvalidError("invalid cron " + std::string(field.name) + " field \"" + std::string(item) +
                      "\": " + std::string(why));
}

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// A number or (where the field has them) a name.
Result<int> Value(const FieldSpec& field, std::string_view item, std::string_view text) {
  if (text.empty()) return Bad(field, item, "missing value");
  if (std::isdigit(static_cast<unsigned char>(text[0]))) {
    for (char c : text) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return Bad(field, item, "not a number");
    }
    // At most two digits ("05" is fine, "005" is not), like the CRD's pattern.
    if (text.size() > 2) return Bad(field, item, "more than two digits");
    int v = 0;
    for (char c : text) v = v * 10 + (c - '0');
    if (v < field.min || v > field.max) {
      return Bad(field, item,
                 "out of range " + std::to_string(field.min) + "-" + std::to_string(field.max));
    }
    return v;
  }
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::size_t i = 0; i < field.names.size(); ++i) {
    if (field.names[i] == lower) return field.min + static_cast<int>(i);
  }
  return Bad(field, item, field.names.empty() ? "not a number" : "unknown name");
}

// Sets the bits of one comma-separated field. Returns whether it starts
// with '*' (Vixie cron's DOM_STAR/DOW_STAR).
template <std::size_t N>
Result<bool> ParseField(const FieldSpec& field, std::string_view text, std::bitset<N>& bits) {
  for (std::string_view item : Split(text, ',')) {
    if (item.empty()) return Bad(field, text, "empty list item");
    std::string_view range = item;
    int step = 1;
    const std::size_t slash = item.find('/');
    if (slash != std::string_view::npos) {
      range = item.substr(0, slash);
      const std::string_view step_text = item.substr(slash + 1);
      if (step_text.empty() || step_text.size() > 2) return Bad(field, item, "step must be 1-99");
      step = 0;
      for (char c : step_text) {
        if (!std::isdigit(static_cast<unsigned char>(c))) {
          return Bad(field, item, "step must be 1-99");
        }
        step = step * 10 + (c - '0');
      }
      if (step < 1 || step > kMaxStep) return Bad(field, item, "step must be 1-99");
    }
    int low = field.min;
    int high = field.max;
    if (range == "*") {
      // Everything; for day-of-week 0-6, as 7 repeats Sunday.
      if (field.name == kDayOfWeek.name) high = 6;
    } else {
      const std::size_t dash = range.find('-');
      DRS_ASSIGN_OR_RETURN(low, Value(field, item, range.substr(0, dash)));
      if (dash != std::string_view::npos) {
        DRS_ASSIGN_OR_RETURN(high, Value(field, item, range.substr(dash + 1)));
        if (low > high) return Bad(field, item, "range start is after its end");
      } else if (slash == std::string_view::npos) {
        high = low;
      }
      // else "5/15": from 5 to the field's maximum, as robfig/cron reads it.
    }
    for (int v = low; v <= high; v += step) bits.set(static_cast<std::size_t>(v));
  }
  return text.front() == '*';
}

std::string_view MacroExpansion(std::string_view text) {
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@hourly") return "0 * * * *";
  return "";
}

std::vector<std::string_view> Fields(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  return fields;
}

}  // namespace

Result<CronSchedule> CronSchedule::Parse(std::string_view text) {
  CronSchedule s;
  s.text_ = std::string(text);
  std::string_view spec = text;
  if (text.starts_with('@')) {
    spec = MacroExpansion(text);
    if (spec.empty()) {
      return InvalidError("invalid cron schedule \"" + std::string(text) +
                          "\": unknown macro (want @yearly, @annually, @monthly, @weekly, "
                          "@daily, @midnight or @hourly)");
    }
  }
  if (!text.empty() &&
      (text.front() == ' ' || text.front() == '\t' || text.back() == ' ' || text.back() == '\t')) {
    return InvalidError("invalid cron schedule \"" + std::string(text) +
                        "\": leading or trailing whitespace");
  }
  const std::vector<std::string_view> fields = Fields(spec);
  if (fields.size() != 5) {
    return InvalidError("invalid cron schedule \"" + std::string(text) + "\": want 5 fields " +
                        "(minute hour day-of-month month day-of-week) or a macro, got " +
                        std::to_string(fields.size()));
  }
  DRS_RETURN_IF_ERROR(ParseField(kMinute, fields[0], s.minutes_));
  DRS_RETURN_IF_ERROR(ParseField(kHour, fields[1], s.hours_));
  DRS_ASSIGN_OR_RETURN(s.day_of_month_star_, ParseField(kDayOfMonth, fields[2], s.days_of_month_));
  DRS_RETURN_IF_ERROR(ParseField(kMonth, fields[3], s.months_));
  std::bitset<8> days_of_week;
  DRS_ASSIGN_OR_RETURN(s.day_of_week_star_, ParseField(kDayOfWeek, fields[4], days_of_week));
  for (std::size_t d = 0; d < 7; ++d) s.days_of_week_[d] = days_of_week[d];
  if (days_of_week[7]) s.days_of_week_.set(0);
  return s;
}

bool CronSchedule::DayMatches(int day_of_month, int weekday) const {
  const bool dom = days_of_month_[static_cast<std::size_t>(day_of_month)];
  const bool dow = days_of_week_[static_cast<std::size_t>(weekday)];
  if (day_of_month_star_ || day_of_week_star_) return dom && dow;
  return dom || dow;
}

std::optional<Clock::WallTime> CronSchedule::Next(Clock::WallTime after) const {
  // Work on a civil calendar in UTC, one field at a time: a month that does
  // not match skips to the next month, a day to the next day, and so on.
  auto t = std::chrono::floor<minutes>(after) + minutes(1);
  const auto first_year =
      static_cast<int>(std::chrono::year_month_day{std::chrono::floor<days>(t)}.year());
  while (true) {
    const sys_days day = std::chrono::floor<days>(t);
    const std::chrono::year_month_day ymd{day};
    if (static_cast<int>(ymd.year()) > first_year + kSearchYears) return std::nullopt;
    const auto month = static_cast<unsigned>(ymd.month());
    if (!months_[month]) {
      const auto next_month = ymd.year() / ymd.month() / 1 + std::chrono::months(1);
      t = sys_days(next_month);
      continue;
    }
    const auto weekday = std::chrono::weekday(day).c_encoding();
    if (!DayMatches(static_cast<int>(static_cast<unsigned>(ymd.day())),
                    static_cast<int>(weekday))) {
      t = day + days(1);
      continue;
    }
    const std::chrono::hh_mm_ss hms{t - day};
    const auto hour = static_cast<std::size_t>(hms.hours().count());
    if (!hours_[hour]) {
      t = day + hours(static_cast<int>(hour) + 1);
      continue;
    }
    if (!minutes_[static_cast<std::size_t>(hms.minutes().count())]) {
      t += minutes(1);
      continue;
    }
    return Clock::WallTime(t);
  }
}

Status ValidateCron(std::string_view text) {
  auto parsed = CronSchedule::Parse(text);
  if (!parsed.ok()) return std::move(parsed).error();
  return OkStatus();
}

}  // namespace drs::api
