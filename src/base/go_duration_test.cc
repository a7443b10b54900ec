#include "base/go_duration.h"

#include <cstdint>
#include <limits>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drs {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

// The cases of Go's own time.ParseDuration tests, so CEL's duration() (which
// is Go's) and ours agree on every spelling users may write.
TEST(DurationTest, ParsesWhatGoParses) {
  const struct {
    std::string text;
    GoDuration want;
  } cases[] = {
      {"0", GoDuration{0}},
      {"5s", seconds(5)},
      {"30s", seconds(30)},
      {"1478s", seconds(1478)},
      {"-5s", -seconds(5)},
      {"+5s", seconds(5)},
      {"-0", GoDuration{0}},
      {"+0", GoDuration{0}},
      {"5.0s", seconds(5)},
      {"5.6s", seconds(5) + milliseconds(600)},
      {"5.s", seconds(5)},
      {".5s", milliseconds(500)},
      {"1.0s", seconds(1)},
      {"1.00s", seconds(1)},
      {"1.004s", seconds(1) + milliseconds(4)},
      {"1.0040s", seconds(1) + milliseconds(4)},
      {"100.00100s", seconds(100) + milliseconds(1)},
      {"10ns", nanoseconds(10)},
      {"11us", microseconds(11)},
      {"12\u00b5s", microseconds(12)},  // U+00B5 micro sign
      {"12\u03bcs", microseconds(12)},  // U+03BC Greek mu
      {"13ms", milliseconds(13)},
      {"14s", seconds(14)},
      {"15m", minutes(15)},
      {"16h", hours(16)},
      {"720h", hours(720)},
      {"3h30m", hours(3) + minutes(30)},
      {"10.5s4m", minutes(4) + seconds(10) + milliseconds(500)},
      {"-2m3.4s", -(minutes(2) + seconds(3) + milliseconds(400))},
      {"1h2m3s4ms5us6ns",
       hours(1) + minutes(2) + seconds(3) + milliseconds(4) + microseconds(5) + nanoseconds(6)},
      {"39h9m14.425s", hours(39) + minutes(9) + seconds(14) + milliseconds(425)},
      {"52763797000ns", nanoseconds(52763797000)},
      {"0.3333333333333333333h", minutes(20)},
      {"9007199254740993ns", nanoseconds((std::int64_t{1} << 53) + 1)},
      {"9223372036854775807ns", nanoseconds(kMax)},
      {"9223372036854775.807us", nanoseconds(kMax)},
      {"9223372036s854ms775us807ns", nanoseconds(kMax)},
      {"-9223372036854775808ns", nanoseconds(kMin)},
      {"-9223372036854775.808us", nanoseconds(kMin)},
      {"0.100000000000000000000h", minutes(6)},
      {"0.830103483285477580700h", minutes(49) + seconds(48) + nanoseconds(372539827)},
  };
  for (const auto& c : cases) {
    auto got = ParseGoDuration(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.error();
    EXPECT_EQ(got->count(), c.want.count()) << c.text;
  }
}

TEST(DurationTest, RejectsWhatGoRejects) {
  const struct {
    std::string text;
    std::string_view why;
  } cases[] = {
      {"", "empty"},
      {"3", "missing unit"},
      {"-", "empty"},
      {"s", "expected a number"},
      {".", "expected a number"},
      {"-.", "expected a number"},
      {".s", "expected a number"},
      {"+.s", "expected a number"},
      {"1d", "unknown unit"},
      {"5sx", "expected a number"},
      {"5x", "unknown unit"},
      {"1h 30m", "expected a number"},
      {"\x85\x85", "expected a number"},
      {"9223372036854775808ns", "out of range"},
      {"9223372036854775.808us", "out of range"},
      {"9223372036854ms775us808ns", "out of range"},
      {"-9223372036854775809ns", "out of range"},
      {"3000000h", "out of range"},
      {"99999999999999999999999h", "out of range"},
  };
  for (const auto& c : cases) {
    auto got = ParseGoDuration(c.text);
    ASSERT_FALSE(got.ok()) << "accepted \"" << c.text << "\"";
    EXPECT_EQ(got.error().code(), ErrorCode::kInvalid);
    EXPECT_THAT(got.error().message(), HasSubstr(c.why)) << c.text;
    EXPECT_THAT(got.error().message(), HasSubstr("\"" + c.text + "\""));
  }
}

TEST(DurationTest, FormatsLikeGo) {
  const struct {
    GoDuration d;
    std::string want;
  } cases[] = {
      {GoDuration{0}, "0s"},
      {nanoseconds(1), "1ns"},
      {nanoseconds(1100), "1.1\u00b5s"},
      {microseconds(2200), "2.2ms"},
      {milliseconds(3300), "3.3s"},
      {minutes(4) + seconds(5), "4m5s"},
      {minutes(4) + milliseconds(5001), "4m5.001s"},
      {hours(5) + minutes(6) + milliseconds(7001), "5h6m7.001s"},
      {minutes(8) + nanoseconds(1), "8m0.000000001s"},
      {hours(720), "720h0m0s"},
      {nanoseconds(kMax), "2562047h47m16.854775807s"},
      {nanoseconds(kMin), "-2562047h47m16.854775808s"},
      {-seconds(90), "-1m30s"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(FormatGoDuration(c.d), c.want);
    auto back = ParseGoDuration(c.want);
    ASSERT_TRUE(back.ok()) << c.want;
    EXPECT_EQ(back->count(), c.d.count()) << c.want;
  }
}

TEST(DurationTest, ShortFormIsExactAndReadable) {
  const struct {
    GoDuration d;
    std::string want;
  } cases[] = {
      {GoDuration{0}, "0s"},
      {seconds(30), "30s"},
      {minutes(5), "5m"},
      {minutes(90), "1h30m"},
      {hours(720), "720h"},
      {milliseconds(1500), "1s500ms"},
      {milliseconds(100), "100ms"},
      {hours(1) + seconds(1), "1h1s"},
      {microseconds(1), "1\u00b5s"},
      {-minutes(5), "-5m"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(FormatGoDurationShort(c.d), c.want);
    auto back = ParseGoDuration(c.want);
    ASSERT_TRUE(back.ok()) << c.want;
    EXPECT_EQ(back->count(), c.d.count()) << c.want;
  }
}

}  // namespace
}  // namespace drs
