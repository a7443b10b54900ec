#include "runtime/process_metrics.h"

#include <sys/resource.h>

#include <chrono>
#include <map>

#include <gtest/gtest.h>

namespace drs::runtime {
namespace {

// From a real /proc/<pid>/stat, with a command name built to confuse a
// naive split: spaces and a ')' inside the parentheses.
constexpr std::string_view kStat =
    "4242 (dr (sync) er) S 1 4242 4242 0 -1 4194560 1207 0 0 0 150 25 0 0 20 0 9 0 "
    "98765 812345344 5120 18446744073709551615 1 1 0 0 0 0 0 4096 17003 0 0 0 17 3 0 0 0 0 0\n";

TEST(ProcessMetricsTest, ParsesProcStat) {
  auto stat = ParseProcStat(kStat);
  ASSERT_TRUE(stat.ok()) << stat.error();
  EXPECT_EQ(stat->utime_ticks, 150U);
  EXPECT_EQ(stat->stime_ticks, 25U);
  EXPECT_EQ(stat->start_time_ticks, 98765U);
  EXPECT_EQ(stat->vsize_bytes, 812345344U);
  EXPECT_EQ(stat->rss_pages, 5120);
}

TEST(ProcessMetricsTest, RejectsTruncatedOrGarbledStat) {
  EXPECT_FALSE(ParseProcStat("4242 (x) S 1 2 3").ok());
  EXPECT_FALSE(ParseProcStat("no parentheses at all").ok());
  std::string garbled(kStat);
  garbled.replace(garbled.find(" 150 "), 5, " x5x ");
  EXPECT_FALSE(ParseProcStat(garbled).ok());
}

TEST(ProcessMetricsTest, ParsesBootTime) {
  auto boot = ParseBootTime("cpu  1 2 3\nintr 5\nbtime 1767225600\nprocesses 9\n");
  ASSERT_TRUE(boot.ok()) << boot.error();
  EXPECT_EQ(*boot, 1767225600);
  EXPECT_EQ(ParseBootTime("cpu 1\n").error().code(), ErrorCode::kNotFound);
}

std::map<std::string, double> Collected() {
  std::vector<MetricFamilySnapshot> families;
  ProcessCollector().Collect(families);
  std::map<std::string, double> values;
  for (const auto& family : families) {
    EXPECT_EQ(family.samples.size(), 1U) << family.name;
    values[family.name] = family.samples.front().value;
  }
  return values;
}

TEST(ProcessMetricsTest, ThisProcessLooksPlausible) {
  auto values = Collected();
  for (const char* name : {"process_cpu_seconds_total", "process_resident_memory_bytes",
                           "process_virtual_memory_bytes", "process_open_fds", "process_max_fds",
                           "process_start_time_seconds"}) {
    EXPECT_TRUE(values.contains(name)) << name;
  }
  EXPECT_GE(values["process_cpu_seconds_total"], 0);
  EXPECT_GT(values["process_resident_memory_bytes"], 1 << 20);  // a gtest binary is > 1 MiB
  EXPECT_GE(values["process_virtual_memory_bytes"], values["process_resident_memory_bytes"]);
  EXPECT_GE(values["process_open_fds"], 3);  // stdin, stdout, stderr
  EXPECT_LE(values["process_open_fds"], values["process_max_fds"]);
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  EXPECT_EQ(values["process_max_fds"], static_cast<double>(limit.rlim_cur));
  // Started a moment ago: before now and (generously) within the last hour.
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  constexpr double kClockSlackSeconds = 2;  // btime and starttime are coarse
  EXPECT_LE(values["process_start_time_seconds"], now + kClockSlackSeconds);
  EXPECT_GT(values["process_start_time_seconds"], now - 3600);
}

TEST(ProcessMetricsTest, RegisteredCollectorRendersWithTypes) {
  Registry registry;
  RegisterProcessMetrics(registry);
  const std::string text = registry.Render();
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE process_open_fds gauge\nprocess_open_fds "), std::string::npos);
}

}  // namespace
}  // namespace drs::runtime
