#include "base/flags.h"

#include <map>

#include <gtest/gtest.h>

namespace drs {
namespace {

using std::chrono::milliseconds;

struct Options {
  std::string level = "info";
  bool elect = false;
  std::int64_t workers = 2;
  double qps = 50;
  milliseconds lease{15'000};
};

FlagSet Make(Options& o) {
  FlagSet f("test");
  f.String("log-level", &o.level, "level");
  f.Bool("leader-elect", &o.elect, "elect");
  f.Int("workers", &o.workers, "workers");
  f.Double("kube-api-qps", &o.qps, "qps");
  f.Duration("lease-duration", &o.lease, "lease");
  return f;
}

TEST(FlagsTest, CommandLineForms) {
  Options o;
  auto f = Make(o);
  const char* argv[] = {"prog", "--log-level=debug",   "--leader-elect",         "--workers",
                        "8",    "--kube-api-qps=12.5", "--lease-duration=1m30s", "extra"};
  auto rest = f.Parse(8, argv, [](const char*) -> const char* { return nullptr; });
  ASSERT_TRUE(rest.ok()) << rest.error();
  EXPECT_EQ(o.level, "debug");
  EXPECT_TRUE(o.elect);
  EXPECT_EQ(o.workers, 8);
  EXPECT_DOUBLE_EQ(o.qps, 12.5);
  EXPECT_EQ(o.lease, milliseconds(90'000));
  EXPECT_EQ(*rest, std::vector<std::string>{"extra"});
}

TEST(FlagsTest, EnvironmentIsOverriddenByTheCommandLine) {
  Options o;
  auto f = Make(o);
  const std::map<std::string, std::string> env = {
      {"DRS_LOG_LEVEL", "warn"}, {"DRS_WORKERS", "3"}, {"DRS_LEADER_ELECT", "true"}};
  const char* argv[] = {"prog", "--workers=5"};
  auto rest = f.Parse(2, argv, [&](const char* n) -> const char* {
    auto it = env.find(n);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  ASSERT_TRUE(rest.ok()) << rest.error();
  EXPECT_EQ(o.level, "warn");
  EXPECT_EQ(o.workers, 5);
  EXPECT_TRUE(o.elect);
}

TEST(FlagsTest, ErrorsNameTheFlag) {
  const struct {
    std::vector<const char*> argv;
    std::string want;
  } cases[] = {
      {{"prog", "--nope"}, "unknown flag --nope"},
      {{"prog", "--workers=many"}, "--workers"},
      {{"prog", "--leader-elect=maybe"}, "--leader-elect"},
      {{"prog", "--lease-duration=10"}, "--lease-duration"},
      {{"prog", "--lease-duration=-5s"}, "negative"},
      {{"prog", "--workers"}, "needs a value"},
  };
  for (const auto& c : cases) {
    Options o;
    auto f = Make(o);
    auto r = f.Parse(static_cast<int>(c.argv.size()), c.argv.data(),
                     [](const char*) -> const char* { return nullptr; });
    ASSERT_FALSE(r.ok()) << c.want;
    EXPECT_NE(r.error().message().find(c.want), std::string::npos) << r.error();
  }
}

TEST(FlagsTest, UsageListsFlagsDefaultsAndEnvironmentNames) {
  Options o;
  const std::string usage = Make(o).Usage();
  EXPECT_NE(usage.find("--lease-duration value"), std::string::npos);
  EXPECT_NE(usage.find("default \"15s\""), std::string::npos);
  EXPECT_NE(usage.find("env DRS_KUBE_API_QPS"), std::string::npos);
}

TEST(GoDurationTest, ParsesAndFormatsLikeGo) {
  const struct {
    const char* text;
    std::chrono::nanoseconds want;
    const char* formatted;
  } cases[] = {
      {"0", std::chrono::nanoseconds(0), "0s"},
      {"30s", std::chrono::seconds(30), "30s"},
      {"1h30m", std::chrono::minutes(90), "1h30m0s"},
      {"90s", std::chrono::seconds(90), "1m30s"},
      {"2.5s", std::chrono::milliseconds(2500), "2.5s"},
      {"250ms", std::chrono::milliseconds(250), "250ms"},
      {"720h", std::chrono::hours(720), "720h0m0s"},
      {"1us", std::chrono::microseconds(1), "1\u00b5s"},
  };
  for (const auto& c : cases) {
    auto d = ParseGoDuration(c.text);
    ASSERT_TRUE(d.ok()) << c.text << ": " << d.error();
    EXPECT_EQ(*d, c.want) << c.text;
    EXPECT_EQ(FormatGoDuration(*d), c.formatted) << c.text;
  }
  for (const char* bad : {"", "10", "5x", "s", "1..5s", "h1"}) {
    EXPECT_FALSE(ParseGoDuration(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace drs
