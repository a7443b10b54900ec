#include "runtime/metrics.h"

#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drs::runtime {
namespace {

using ::testing::HasSubstr;

TEST(MetricsTest, RendersExactExpositionTextSortedByName) {
  Registry registry;
  // Registered out of order: the output is sorted by family name.
  auto& latency = registry.AddHistogram("drs_sync_seconds", "Time per sync.", {"kind"}, {0.1, 1});
  auto& requests = registry.AddCounter("drs_requests_total", "Requests served.", {"code", "verb"});
  auto& up = registry.AddGauge("drs_up", "Whether the thing is up.");
  registry.AddCounter("drs_idle_total", "Never used, but unlabelled: exported as 0.");
  registry.AddGauge("drs_unused", "Labelled and never used: left out.", {"x"});

  requests.WithLabels({"200", "GET"}).Inc();
  requests.WithLabels({"200", "GET"}).Inc(2);
  requests.WithLabels({"404", "DELETE"}).Inc();
  up.WithLabels({}).Set(1);
  auto& pods = latency.WithLabels({"Pod"});
  pods.Observe(0.05);
  pods.Observe(0.1);  // `le` is inclusive
  pods.Observe(0.5);
  pods.Observe(7);

  EXPECT_EQ(registry.Render(),
            "# HELP drs_idle_total Never used, but unlabelled: exported as 0.\n"
            "# TYPE drs_idle_total counter\n"
            "drs_idle_total 0\n"
            "# HELP drs_requests_total Requests served.\n"
            "# TYPE drs_requests_total counter\n"
            "drs_requests_total{code=\"200\",verb=\"GET\"} 3\n"
            "drs_requests_total{code=\"404\",verb=\"DELETE\"} 1\n"
            "# HELP drs_sync_seconds Time per sync.\n"
            "# TYPE drs_sync_seconds histogram\n"
            "drs_sync_seconds_bucket{kind=\"Pod\",le=\"0.1\"} 2\n"
            "drs_sync_seconds_bucket{kind=\"Pod\",le=\"1\"} 3\n"
            "drs_sync_seconds_bucket{kind=\"Pod\",le=\"+Inf\"} 4\n"
            "drs_sync_seconds_sum{kind=\"Pod\"} 7.65\n"
            "drs_sync_seconds_count{kind=\"Pod\"} 4\n"
            "# HELP drs_up Whether the thing is up.\n"
            "# TYPE drs_up gauge\n"
            "drs_up 1\n");
}

TEST(MetricsTest, EscapesLabelValuesAndHelp) {
  Registry registry;
  registry.AddGauge("drs_escape", "Back\\slash and\nnewline.", {"v"})
      .WithLabels({"a\\b \"quoted\"\nnext"})
      .Set(-2.5);
  EXPECT_EQ(registry.Render(),
            "# HELP drs_escape Back\\\\slash and\\nnewline.\n"
            "# TYPE drs_escape gauge\n"
            "drs_escape{v=\"a\\\\b \\\"quoted\\\"\\nnext\"} -2.5\n");
}

TEST(MetricsTest, FormatsValuesAsPrometheusReadsThem) {
  EXPECT_EQ(FormatMetricValue(0), "0");
  EXPECT_EQ(FormatMetricValue(42), "42");
  EXPECT_EQ(FormatMetricValue(0.005), "0.005");
  EXPECT_EQ(FormatMetricValue(1e-8), "1e-08");
  EXPECT_EQ(FormatMetricValue(1e6), "1e+06");
  EXPECT_EQ(FormatMetricValue(1234567), "1234567");
  EXPECT_EQ(FormatMetricValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatMetricValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatMetricValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(MetricsTest, ValidatesNames) {
  EXPECT_TRUE(IsValidMetricName("a:b_c9"));
  EXPECT_FALSE(IsValidMetricName("9a"));
  EXPECT_FALSE(IsValidMetricName("a-b"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_TRUE(IsValidLabelName("_x1"));
  EXPECT_FALSE(IsValidLabelName("__reserved"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
}

TEST(MetricsTest, SameRegistrationReturnsTheSameFamily) {
  Registry registry;
  auto& a = registry.AddCounter("drs_shared_total", "Shared.", {"x"});
  auto& b = registry.AddCounter("drs_shared_total", "Shared.", {"x"});
  EXPECT_EQ(&a, &b);
  a.WithLabels({"1"}).Inc();
  EXPECT_EQ(b.WithLabels({"1"}).Value(), 1);
}

TEST(MetricsDeathTest, MisuseIsFatal) {
  Registry registry;
  auto& family = registry.AddCounter("drs_total", "Help.", {"a", "b"});
  EXPECT_DEATH(family.WithLabels({"only-one"}), "1 label values for 2 label names");
  EXPECT_DEATH(registry.AddGauge("drs_total", "Help.", {"a", "b"}), "registered twice");
  EXPECT_DEATH(registry.AddGauge("drs-bad", "Help."), "invalid metric name");
  EXPECT_DEATH(registry.AddHistogram("drs_h", "Help.", {"le"}), "invalid label name");
  EXPECT_DEATH(registry.AddHistogram("drs_h", "Help.", {}, {1, 1}), "increasing");
}

TEST(MetricsTest, ConcurrentUpdatesSumExactly) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20000;
  Registry registry;
  auto& counter = registry.AddCounter("drs_c_total", "C.", {"k"});
  auto& gauge = registry.AddGauge("drs_g", "G.");
  auto& histogram = registry.AddHistogram("drs_h", "H.", {}, {1});
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        // Half the threads resolve the child every time, to race WithLabels too.
        Counter& mine = counter.WithLabels({"same"});
        for (int i = 0; i < kPerThread; ++i) {
          if (t % 2 == 0) {
            mine.Inc();
          } else {
            counter.WithLabels({"same"}).Inc();
          }
          gauge.WithLabels({}).Inc();
          histogram.WithLabels({}).Observe(i % 2 == 0 ? 0.5 : 2);
        }
      });
    }
  }
  constexpr double kTotal = double{kThreads} * kPerThread;
  EXPECT_EQ(counter.WithLabels({"same"}).Value(), kTotal);
  EXPECT_EQ(gauge.WithLabels({}).Value(), kTotal);
  const auto& h = histogram.WithLabels({});
  EXPECT_EQ(h.Count(), static_cast<std::uint64_t>(kTotal));
  EXPECT_EQ(h.Sum(), kTotal / 2 * 0.5 + kTotal / 2 * 2);
  EXPECT_THAT(registry.Render(), HasSubstr("drs_h_bucket{le=\"1\"} 80000\n"));
}

TEST(MetricsTest, ExponentialBucketsAndBuildInfo) {
  EXPECT_EQ(ExponentialBuckets(1, 2, 4), (std::vector<double>{1, 2, 4, 8}));
  Registry registry;
  RegisterBuildInfo(registry, "1.2.3", "abc123");
  EXPECT_THAT(registry.Render(),
              HasSubstr("dr_syncer_build_info{version=\"1.2.3\",revision=\"abc123\",compiler=\""));
}

}  // namespace
}  // namespace drs::runtime
