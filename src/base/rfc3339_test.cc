#include "base/rfc3339.h"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace drs {
namespace {

using namespace std::chrono_literals;  // NOLINT(build/namespaces): test brevity

constexpr auto kBase = std::chrono::sys_days{std::chrono::year{2026} / 1 / 2};

TEST(Rfc3339Test, ParsesKubernetesTimestamps) {
  struct Case {
    std::string text;
    Clock::WallTime want;
  };
  const Case cases[] = {
      {"2026-01-02T03:04:05Z", kBase + 3h + 4min + 5s},
      {"2026-01-02t03:04:05z", kBase + 3h + 4min + 5s},
      {"2026-01-02T03:04:05.5Z", kBase + 3h + 4min + 5s + 500ms},
      {"2026-01-02T03:04:05.123456789Z", kBase + 3h + 4min + 5s + 123456789ns},
      {"2026-01-02T03:04:05+02:00", kBase + 1h + 4min + 5s},
      {"2026-01-02T03:04:05-01:30", kBase + 4h + 34min + 5s},
      {"2024-02-29T00:00:00Z", std::chrono::sys_days{std::chrono::year{2024} / 2 / 29}},
  };
  for (const Case& c : cases) {
    auto parsed = ParseRfc3339(c.text);
    ASSERT_TRUE(parsed.ok()) << c.text << ": " << parsed.error();
    EXPECT_EQ(*parsed, c.want) << c.text;
  }
}

TEST(Rfc3339Test, RejectsMalformedTimes) {
  for (const std::string bad :
       {"", "2026-01-02", "2026-01-02T03:04:05", "2026-01-02 03:04:05Z", "2026-13-02T03:04:05Z",
        "2025-02-29T00:00:00Z", "2026-01-02T24:00:00Z", "2026-01-02T03:04:05.Z",
        "2026-01-02T03:04:05+0200", "2026-01-02T03:04:05Zjunk", "tomorrow"}) {
    auto parsed = ParseRfc3339(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalid);
  }
}

TEST(Rfc3339Test, FormatsUtcSecondsAndRoundTrips) {
  const Clock::WallTime t = kBase + 23h + 59min + 58s + 700ms;
  EXPECT_EQ(FormatRfc3339(t), "2026-01-02T23:59:58Z");
  auto back = ParseRfc3339(FormatRfc3339(t));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, std::chrono::floor<std::chrono::seconds>(t));
}

}  // namespace
}  // namespace drs
