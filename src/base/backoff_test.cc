#include "base/backoff.h"

#include <gtest/gtest.h>

namespace drs {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST(BackoffTest, DoublesFromInitialAndCapsAtMax) {
  ExponentialBackoff b({.initial = milliseconds(5), .max = seconds(1000)});
  const struct {
    std::uint32_t attempt;
    nanoseconds want;
  } cases[] = {
      {0, milliseconds(5)},     {1, milliseconds(10)},      {2, milliseconds(20)},
      {10, milliseconds(5120)}, {17, milliseconds(655360)}, {18, seconds(1000)},
      {1000, seconds(1000)},  // saturates instead of overflowing
  };
  for (const auto& c : cases) {
    EXPECT_EQ(b.Delay(c.attempt), c.want) << "attempt " << c.attempt;
  }
}

TEST(BackoffTest, JitterStaysWithinItsFraction) {
  ExponentialBackoff b({.initial = seconds(1), .max = seconds(60), .jitter = 0.2});
  std::mt19937_64 rng(42);
  bool varied = false;
  nanoseconds first{};
  for (int i = 0; i < 200; ++i) {
    const auto d = b.Delay(2, rng);  // base 4 s
    EXPECT_GE(d, seconds(4));
    EXPECT_LT(d, milliseconds(4800));
    if (i == 0) first = d;
    varied = varied || d != first;
  }
  EXPECT_TRUE(varied);
}

TEST(BackoffTest, NoJitterIsDeterministic) {
  ExponentialBackoff b({.initial = seconds(1), .max = seconds(60)});
  std::mt19937_64 rng(1);
  EXPECT_EQ(b.Delay(3, rng), seconds(8));
}

}  // namespace
}  // namespace drs
