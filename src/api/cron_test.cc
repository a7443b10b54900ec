#include "api/cron.h"

#include <optional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/rfc3339.h"

namespace drs::api {
namespace {

using ::testing::HasSubstr;

Clock::WallTime At(std::string_view text) {
  auto t = ParseRfc3339(text);
  EXPECT_TRUE(t.ok()) << text;
  return t.value_or(Clock::WallTime{});
}

std::string NextAfter(std::string_view schedule, std::string_view after) {
  auto s = CronSchedule::Parse(schedule);
  EXPECT_TRUE(s.ok()) << schedule << ": " << (s.ok() ? "" : s.error().ToString());
  if (!s.ok()) return "<invalid>";
  const std::optional<Clock::WallTime> next = s->Next(At(after));
  return next ? FormatRfc3339(*next) : "<never>";
}

// 2026-01-01 is a Thursday.
TEST(CronTest, NextFireTimes) {
  const struct {
    std::string_view schedule;
    std::string_view after;
    std::string_view want;
  } cases[] = {
      // Every field free; seconds in `after` round up to the next minute.
      {"* * * * *", "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z"},
      {"* * * * *", "2026-01-01T00:00:30Z", "2026-01-01T00:01:00Z"},
      // Steps; the result is strictly after `after`.
      {"*/15 * * * *", "2026-01-01T00:00:00Z", "2026-01-01T00:15:00Z"},
      {"*/15 * * * *", "2026-01-01T00:14:59Z", "2026-01-01T00:15:00Z"},
      {"*/15 * * * *", "2026-01-01T00:45:00Z", "2026-01-01T01:00:00Z"},
      {"0-10/5 * * * *", "2026-01-01T00:06:00Z", "2026-01-01T00:10:00Z"},
      {"0-10/5 * * * *", "2026-01-01T00:10:00Z", "2026-01-01T01:00:00Z"},
      // "5/20" is 5-59/20, as robfig/cron reads it.
      {"5/20 * * * *", "2026-01-01T00:26:00Z", "2026-01-01T00:45:00Z"},
      // Lists and ranges.
      {"0 2 * * *", "2026-01-01T03:00:00Z", "2026-01-02T02:00:00Z"},
      {"30 4 1,15 * *", "2026-01-02T00:00:00Z", "2026-01-15T04:30:00Z"},
      {"0 22-23,1 * * *", "2026-01-01T22:30:00Z", "2026-01-01T23:00:00Z"},
      {"0 22-23,1 * * *", "2026-01-01T23:30:00Z", "2026-01-02T01:00:00Z"},
      // Names, in any case.
      {"0 9 * * MON-FRI", "2026-01-02T10:00:00Z", "2026-01-05T09:00:00Z"},
      {"0 0 1 JAN,jul *", "2026-01-01T00:00:00Z", "2026-07-01T00:00:00Z"},
      {"0 0 1 6 *", "2026-01-15T00:00:00Z", "2026-06-01T00:00:00Z"},
      // Sunday is 0 and 7; 5-7 is Friday to Sunday.
      {"0 0 * * 7", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z"},
      {"0 0 * * 0", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z"},
      {"0 0 * * 5-7", "2026-01-02T01:00:00Z", "2026-01-03T00:00:00Z"},
      // Both day fields restricted: either matches (the 1st, or a Monday).
      {"0 0 1 * MON", "2026-01-01T00:00:00Z", "2026-01-05T00:00:00Z"},
      {"0 0 1 * MON", "2026-01-26T00:00:00Z", "2026-02-01T00:00:00Z"},
      // A day field starting with '*' makes both necessary: odd days that
      // are Mondays (Jan 5, then Jan 19).
      {"0 0 */2 * MON", "2026-01-01T00:00:00Z", "2026-01-05T00:00:00Z"},
      {"0 0 */2 * MON", "2026-01-05T00:00:00Z", "2026-01-19T00:00:00Z"},
      {"0 0 13 * */7", "2026-01-01T00:00:00Z", "2026-09-13T00:00:00Z"},
      // Year boundaries and leap days.
      {"59 23 31 12 *", "2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z"},
      {"0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z"},
      {"0 0 29 2 *", "2096-03-01T00:00:00Z", "2104-02-29T00:00:00Z"},
      {"0 0 31 * *", "2026-04-01T00:00:00Z", "2026-05-31T00:00:00Z"},
      // Macros.
      {"@hourly", "2026-01-01T10:30:00Z", "2026-01-01T11:00:00Z"},
      {"@daily", "2026-01-01T10:30:00Z", "2026-01-02T00:00:00Z"},
      {"@midnight", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"},
      {"@weekly", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z"},
      {"@monthly", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"},
      {"@yearly", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"},
      {"@annually", "2026-06-01T00:00:00Z", "2027-01-01T00:00:00Z"},
      // Tabs and repeated spaces between fields.
      {"0\t12  *  * *", "2026-01-01T00:00:00Z", "2026-01-01T12:00:00Z"},
      // Leading zeros.
      {"05 09 * * *", "2026-01-01T00:00:00Z", "2026-01-01T09:05:00Z"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(NextAfter(c.schedule, c.after), c.want) << c.schedule << " after " << c.after;
  }
}

TEST(CronTest, ScheduleThatNeverFiresHasNoNext) {
  EXPECT_EQ(NextAfter("0 0 30 2 *", "2026-01-01T00:00:00Z"), "<never>");
  EXPECT_EQ(NextAfter("0 0 31 4,6,9,11 *", "2026-01-01T00:00:00Z"), "<never>");
}

TEST(CronTest, RejectsInvalidSchedulesNamingTheField) {
  const struct {
    std::string_view schedule;
    std::string_view message_part;
  } cases[] = {
      {"", "want 5 fields"},
      {"* * * *", "got 4"},
      {"* * * * * *", "got 6"},
      {"60 * * * *", "minute field \"60\": out of range 0-59"},
      {"* 24 * * *", "hour field"},
      {"* * 0 * *", "day-of-month field"},
      {"* * 32 * *", "day-of-month field"},
      {"* * * 13 *", "month field"},
      {"* * * 0 *", "month field"},
      {"* * * * 8", "day-of-week field"},
      {"5-1 * * * *", "range start is after its end"},
      {"* * * * SAT-SUN", "range start is after its end"},
      {"*/0 * * * *", "step must be 1-99"},
      {"*/100 * * * *", "step must be 1-99"},
      {"*/ * * * *", "step must be 1-99"},
      {"*/x * * * *", "step must be 1-99"},
      {"1,,2 * * * *", "empty list item"},
      {"1, * * * *", "empty list item"},
      {"a * * * *", "minute field \"a\": not a number"},
      {"JAN * * * *", "minute field"},
      {"* * * FOO *", "month field \"FOO\": unknown name"},
      {"* * * * MONDAY", "unknown name"},
      {"*-5 * * * *", "minute field"},
      {"1- * * * *", "missing value"},
      {"-1 * * * *", "missing value"},
      {"005 * * * *", "more than two digits"},
      {"1.5 * * * *", "not a number"},
      {"@every 5m", "unknown macro"},
      {"@reboot", "unknown macro"},
      {"@DAILY", "unknown macro"},
      {" * * * * *", "leading or trailing whitespace"},
      {"* * * * * ", "leading or trailing whitespace"},
      {"*\n* * * *", "got 4"},
  };
  for (const auto& c : cases) {
    auto s = CronSchedule::Parse(c.schedule);
    ASSERT_FALSE(s.ok()) << "accepted \"" << c.schedule << "\"";
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalid);
    EXPECT_THAT(s.error().message(), HasSubstr(c.message_part)) << c.schedule;
    EXPECT_FALSE(ValidateCron(c.schedule).ok());
  }
}

TEST(CronTest, KeepsItsText) {
  auto s = CronSchedule::Parse("*/5 * * * *");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->text(), "*/5 * * * *");
  EXPECT_TRUE(ValidateCron("@hourly").ok());
}

}  // namespace
}  // namespace drs::api
