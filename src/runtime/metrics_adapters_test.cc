// The work queue and REST client metrics adapters, seen through the text a
// scrape returns.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/fake_clock.h"
#include "runtime/metrics.h"
#include "runtime/rest_client_metrics.h"
#include "runtime/work_queue.h"
#include "runtime/work_queue_prometheus.h"

namespace drs::runtime {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(WorkQueueMetricsTest, RealQueueReportsUnderItsName) {
  FakeClock clock;
  Registry registry;
  PrometheusWorkQueueMetrics provider(registry);
  WorkQueue queue(clock, {.name = "replication", .metrics_provider = &provider});
  queue.Add("a");
  queue.Add("a");  // folded into the pending key: not an add
  queue.Add("b");
  clock.Advance(milliseconds(50));
  auto key = queue.Get({});
  ASSERT_TRUE(key.has_value());
  clock.Advance(std::chrono::seconds(2));
  queue.Done(*key);
  queue.AddRateLimited("c");

  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("workqueue_adds_total{name=\"replication\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_depth{name=\"replication\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_retries_total{name=\"replication\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_queue_duration_seconds_bucket{name=\"replication\","
                              "le=\"0.1\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_queue_duration_seconds_bucket{name=\"replication\","
                              "le=\"0.01\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_work_duration_seconds_sum{name=\"replication\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_work_duration_seconds_bucket{name=\"replication\","
                              "le=\"1e-08\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_work_duration_seconds_bucket{name=\"replication\","
                              "le=\"1000\"} 1\n"));
  queue.ShutDown();
}

TEST(WorkQueueMetricsTest, UnfinishedWorkGauges) {
  Registry registry;
  PrometheusWorkQueueMetrics provider(registry);
  auto metrics = provider.ForQueue("q");
  metrics->SetUnfinishedWork(milliseconds(2500), milliseconds(1500));
  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("workqueue_unfinished_work_seconds{name=\"q\"} 2.5\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_longest_running_processor_seconds{name=\"q\"} 1.5\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE workqueue_depth gauge\n"));
}

TEST(RestClientMetricsTest, CountsByClusterVerbAndCode) {
  Registry registry;
  RestClientMetrics source(registry, "source");
  RestClientMetrics destination(registry, "destination");
  source.Observe("GET", 200, milliseconds(20));
  source.Observe("GET", 200, milliseconds(30));
  source.Observe("PATCH", 0, milliseconds(5));
  destination.Observe("GET", 404, milliseconds(3));

  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("rest_client_requests_total{cluster=\"source\",verb=\"GET\","
                              "code=\"200\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("rest_client_requests_total{cluster=\"source\",verb=\"PATCH\","
                              "code=\"<error>\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("rest_client_requests_total{cluster=\"destination\",verb=\"GET\","
                              "code=\"404\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("rest_client_request_duration_seconds_count{cluster=\"source\","
                              "verb=\"GET\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("rest_client_request_duration_seconds_bucket{cluster=\"source\","
                              "verb=\"GET\",le=\"0.025\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("cluster=\"destination\",verb=\"PATCH\"")));
}

}  // namespace
}  // namespace drs::runtime
