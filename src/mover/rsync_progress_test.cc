#include "mover/rsync_progress.h"

#include <gtest/gtest.h>

#include "base/fake_clock.h"

namespace drs::mover {
namespace {

TEST(RsyncProgressTest, ParsesProgress2Lines) {
  struct Case {
    std::string_view line;
    Progress want;
  };
  // Captured from rsync 3.5.0 --info=progress2, plain and human-readable.
  const Case cases[] = {
      {"              3   0%    0.00kB/s    0:00:00  ", {3, 0, "0.00kB/s", "0:00:00", 0}},
      {"        8552451  42%    7.85MB/s    0:00:01  ", {8552451, 42, "7.85MB/s", "0:00:01", 0}},
      {"       20000003 100%    7.97MB/s    0:00:02 (xfr#2, to-chk=0/4)",
       {20000003, 100, "7.97MB/s", "0:00:02", 2}},
      {"     1,234,567  12%  100.00MB/s    1:02:03 (xfr#1,234, ir-chk=10/2000)",
       {1234567, 12, "100.00MB/s", "1:02:03", 1234}},
  };
  for (const Case& c : cases) {
    auto got = ParseProgressLine(c.line);
    ASSERT_TRUE(got.has_value()) << c.line;
    EXPECT_EQ(*got, c.want) << c.line;
  }
}

TEST(RsyncProgressTest, RejectsOtherLines) {
  for (std::string_view line :
       {"", "Number of files: 6 (reg: 2, dir: 3)", "Total bytes sent: 251",
        "sent 251 bytes  received 54 bytes  610.00 bytes/sec", ">fc........ sub/big",
        "12 300% 1.00kB/s 0:00:00", "12 50% fast 0:00:00", "12 50% 1.00kB/s soon"}) {
    EXPECT_FALSE(ParseProgressLine(line).has_value()) << line;
  }
}

TEST(RsyncProgressTest, ReporterLogsFirstThenAtMostOncePerInterval) {
  FakeClock clock;
  ProgressReporter reporter(clock, std::chrono::seconds(10), "pvc/shop/data/");
  const Progress p{.bytes = 1, .percent = 1, .rate = "1kB/s", .eta = "0:00:01"};
  EXPECT_TRUE(reporter.Update(p));
  clock.Advance(std::chrono::seconds(9));
  EXPECT_FALSE(reporter.Update(p));
  clock.Advance(std::chrono::seconds(1));
  EXPECT_TRUE(reporter.Update(p));
  EXPECT_FALSE(reporter.Update({.bytes = 7}));
  ASSERT_TRUE(reporter.last().has_value());
  EXPECT_EQ(reporter.last()->bytes, 7);
}

}  // namespace
}  // namespace drs::mover
