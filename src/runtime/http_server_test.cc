// The health/metrics server on loopback, spoken to with an HTTP client.
#include "runtime/http_server.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "base/unique_fd.h"

namespace drs::runtime {
namespace {

using std::chrono::steady_clock;

TEST(BindAddressTest, Parses) {
  auto a = ParseBindAddress("127.0.0.1:8080");
  ASSERT_TRUE(a.ok()) << a.error();
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  EXPECT_EQ(ParseBindAddress(":9090")->host, "0.0.0.0");
  EXPECT_EQ(ParseBindAddress("[::1]:0")->host, "::1");
  EXPECT_EQ(ParseBindAddress("localhost:0")->port, 0);
  for (const char* bad :
       {"", "8080", "host:", "host:65536", "host:-1", "host:8o", "::1:80", "[::1:80", "[]:80"}) {
    EXPECT_FALSE(ParseBindAddress(bad).ok()) << bad;
  }
}

std::size_t ThreadCount() {
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) {
    (void)entry;
    ++n;
  }
  return n;
}

httplib::Client ClientFor(const HttpServer& server) {
  httplib::Client client("127.0.0.1", server.port());
  client.set_connection_timeout(std::chrono::seconds(5));
  client.set_read_timeout(std::chrono::seconds(5));
  return client;
}

TEST(HttpServerTest, ServesHealthReadinessAndMetricsThenStopsCleanly) {
  // Sanitizer runtimes start a helper thread with the first thread created;
  // start it now so it is part of the baseline.
  std::jthread([] {}).join();
  const std::size_t threads_before = ThreadCount();
  Registry registry;
  registry.AddCounter("drs_test_total", "A test counter.").WithLabels({}).Inc(3);
  std::atomic<bool> ready{false};
  {
    HttpServer server({.bind_address = "127.0.0.1:0", .registry = &registry, .threads = 2});
    server.AddLivenessCheck("ping", [] { return OkStatus(); });
    server.AddReadinessCheck(
        "informers", [&] { return ready ? OkStatus() : Status(UnavailableError("not synced")); });
    ASSERT_TRUE(server.Start().ok());
    ASSERT_NE(server.port(), 0);
    EXPECT_GT(ThreadCount(), threads_before);
    auto client = ClientFor(server);

    auto healthz = client.Get("/healthz");
    ASSERT_TRUE(healthz) << httplib::to_string(healthz.error());
    EXPECT_EQ(healthz->status, 200);
    EXPECT_EQ(healthz->body, "ok");
    EXPECT_EQ(healthz->get_header_value("Content-Type"), "text/plain; charset=utf-8");

    auto not_ready = client.Get("/readyz");
    ASSERT_TRUE(not_ready);
    EXPECT_EQ(not_ready->status, 500);
    EXPECT_EQ(not_ready->body, "[-]informers failed: reason withheld\nreadyz check failed\n");

    ready = true;
    auto is_ready = client.Get("/readyz");
    ASSERT_TRUE(is_ready);
    EXPECT_EQ(is_ready->status, 200);
    EXPECT_EQ(is_ready->body, "ok");
    auto verbose = client.Get("/readyz?verbose");
    ASSERT_TRUE(verbose);
    EXPECT_EQ(verbose->body, "[+]informers ok\nreadyz check passed\n");
    auto excluded = client.Get("/healthz?verbose=1&exclude=ping");
    ASSERT_TRUE(excluded);
    EXPECT_EQ(excluded->body, "[+]ping excluded: ok\nhealthz check passed\n");

    auto metrics = client.Get("/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_EQ(metrics->status, 200);
    EXPECT_EQ(metrics->get_header_value("Content-Type"),
              "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_EQ(metrics->body,
              "# HELP drs_test_total A test counter.\n# TYPE drs_test_total counter\n"
              "drs_test_total 3\n");

    auto missing = client.Get("/nope");
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 404);

    const auto stop_started = steady_clock::now();
    server.Stop();
    EXPECT_LT(steady_clock::now() - stop_started, std::chrono::seconds(1));
    EXPECT_EQ(ThreadCount(), threads_before);
    auto after = client.Get("/healthz");
    EXPECT_FALSE(after);
    server.Stop();  // idempotent
  }
  EXPECT_EQ(ThreadCount(), threads_before);
}

TEST(HttpServerTest, WithoutRegistryMetricsIsNotFound) {
  HttpServer server({});
  ASSERT_TRUE(server.Start().ok());
  auto client = ClientFor(server);
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 404);
}

TEST(HttpServerTest, BusyPortIsUnavailable) {
  HttpServer first({});
  ASSERT_TRUE(first.Start().ok());
  HttpServer second({.bind_address = "127.0.0.1:" + std::to_string(first.port())});
  const Status started = second.Start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code(), ErrorCode::kUnavailable);
  second.Stop();  // a no-op after a failed Start
  HttpServer invalid({.bind_address = "nonsense"});
  EXPECT_EQ(invalid.Start().error().code(), ErrorCode::kInvalid);
}

TEST(HttpServerTest, StopIsBoundedByAnIdleConnection) {
  HttpServer server({});
  ASSERT_TRUE(server.Start().ok());
  // A client that connects and never sends a request.
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(fd.valid());
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server.port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0);
  // Wait until the server has taken the connection onto a pool thread, so
  // the stop below really has an idle connection to wait for.
  auto client = ClientFor(server);
  ASSERT_TRUE(client.Get("/healthz"));

  const auto stop_started = steady_clock::now();
  server.Stop();
  constexpr auto kSlack = std::chrono::milliseconds(500);  // scheduling on a busy test machine
  EXPECT_LT(steady_clock::now() - stop_started, HttpServer::kIdleTimeout + kSlack);
}

}  // namespace
}  // namespace drs::runtime
