#pragma once
// CronSchedule: the `schedule` of a Replication and the `defaultSchedule` of
// a RemoteCluster. Standard five-field cron in UTC, with the semantics of
// Vixie cron (and of the Go dr-syncer's robfig/cron parser):
//
//   minute hour day-of-month month day-of-week     e.g. "*/15 2-6 * * MON-FRI"
//   minute 0-59, hour 0-23, day-of-month 1-31, month 1-12 or JAN-DEC,
//   day-of-week 0-7 or SUN-SAT (0 and 7 are both Sunday); names are
//   case-insensitive.
//   Each field is a comma-separated list of items: "*", a value "5", a range
//   "1-5", each optionally with a step "/n" (1-99); "5/15" means "5-max/15",
//   as in robfig/cron. Fields are separated by spaces or tabs.
//   Macros: @yearly (= @annually), @monthly, @weekly, @daily (= @midnight),
//   @hourly.
//   Day matching: when both day fields are restricted (neither starts with
//   "*"), a day matches if EITHER matches ("0 0 1 * MON" = the 1st and every
//   Monday); otherwise both must match.
//
// There are no time zones (schedules are UTC) and no seconds field. A
// schedule that can never fire ("0 0 30 2 *") is valid, as in cron; Next()
// then has no answer.
//
// Thread-safety: an immutable value after Parse; safe to share.

#include <bitset>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"

namespace drs::api {

class CronSchedule {
 public:
  // Invalid, naming the field ("minute", "day-of-week", ...) and the bad
  // item, for anything outside the syntax above.
  static Result<CronSchedule> Parse(std::string_view text);

  // The first time strictly after `after` at which the schedule fires (whole
  // minutes, UTC); nullopt when it never fires within the next 10 years.
  std::optional<Clock::WallTime> Next(Clock::WallTime after) const;

  // The text it was parsed from.
  const std::string& text() const { return text_; }

 private:
  CronSchedule() = default;
  bool DayMatches(int day_of_month, int weekday) const;

  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // bits 1-31
  std::bitset<13> months_;         // bits 1-12
  std::bitset<7> days_of_week_;    // 0 = Sunday
  bool day_of_month_star_ = false;
  bool day_of_week_star_ = false;
};

// OK when Parse would succeed.
Status ValidateCron(std::string_view text);

}  // namespace drs::api
