// RestClient and its transport against real sockets that misbehave: a port
// nobody listens on, a server that never answers, a stop request during a
// retry's backoff and during a transfer, a gzip-encoded body, and the
// client-side QPS limit.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include "base/unique_fd.h"
#include "fault_server.h"

namespace drs::testing {
namespace {

using kubeclient::RestRequest;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Steady = std::chrono::steady_clock;

// Well under the seconds a retry hint or a hung server would take, well over
// a loopback round trip on a loaded two-core machine.
constexpr auto kPrompt = std::chrono::seconds(5);

RestRequest Get() { return {.verb = "GET", .path = "/api/v1/namespaces/ns/configmaps/cm"}; }

// A loopback port that lets no connection be made. kRefusing: bound but not
// listening, so a connect is refused at once. kBlackhole: listening with a
// full accept queue, so the kernel drops every SYN and a connect hangs (a
// server behind a firewall that drops packets). No other process can take
// the port while this object lives.
class DeadPort {
 public:
  enum class Mode { kRefusing, kBlackhole };

  explicit DeadPort(Mode mode) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    socklen_t len = sizeof(addr);
    auto* raw = reinterpret_cast<sockaddr*>(&addr);
    if (!fd_.valid() || ::bind(fd_.get(), raw, len) != 0 ||
        ::getsockname(fd_.get(), raw, &len) != 0) {
      ADD_FAILURE() << "cannot bind a loopback port";
      return;
    }
    port_ = ntohs(addr.sin_port);
    if (mode == Mode::kRefusing) return;
    // A backlog of 0 queues at most one connection; two fillers that are never
    // accepted fill it whatever the kernel's off-by-one.
    constexpr int kFillers = 2;
    if (::listen(fd_.get(), 0) != 0) ADD_FAILURE() << "listen failed";
    for (int i = 0; i < kFillers; ++i) {
      fillers_.emplace_back(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
      ::connect(fillers_.back().get(), raw, len);  // completes or stays pending: either fills
    }
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  UniqueFd fd_;
  std::vector<UniqueFd> fillers_;
  std::uint16_t port_ = 0;
};

std::string Gzip(const std::string& text) {
  z_stream zs{};
  constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip header and trailer
  constexpr int kMemLevel = 8;              // zlib's default
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, kGzipWindowBits, kMemLevel,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    ADD_FAILURE() << "deflateInit2 failed";
    return {};
  }
  std::string out(deflateBound(&zs, text.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) ADD_FAILURE() << "deflate returned " << rc;
  return out;
}

TEST(RestClientTransportFaultsTest, RefusedConnectionIsRetriedForAnyVerbThenUnavailable) {
  DeadPort port(DeadPort::Mode::kRefusing);
  constexpr int kMaxRetries = 3;
  for (const char* verb : {"GET", "POST"}) {
    SCOPED_TRACE(verb);
    AttemptRecorder attempts;
    auto client = FaultClient(PlainConfig(port.url()), FastRetry(kMaxRetries), attempts);
    ASSERT_NE(client, nullptr);
    auto response = client->Send({.verb = verb, .path = "/api/v1/namespaces", .body = "{}"});
    ASSERT_FALSE(response.ok());
    EXPECT_EQ(response.error().code(), ErrorCode::kUnavailable) << response.error();
    EXPECT_EQ(response.error().reason(), kubeclient::kConnectFailedReason);
    EXPECT_EQ(response.error().http_status(), 0);
    // A refused connection never reached a server, so even a POST is repeated.
    EXPECT_EQ(attempts.codes().size(), std::size_t{kMaxRetries + 1});
    EXPECT_THAT(attempts.codes(), Each(0));
  }
}

TEST(RestClientTransportFaultsTest, ConnectTimeoutIsRetriedForAnyVerbThenUnavailable) {
  DeadPort port(DeadPort::Mode::kBlackhole);
  constexpr int kMaxRetries = 2;
  for (const char* verb : {"GET", "POST"}) {
    SCOPED_TRACE(verb);
    AttemptRecorder attempts;
    auto config = PlainConfig(port.url());
    config.connect_timeout = std::chrono::milliseconds(200);
    auto client = FaultClient(std::move(config), FastRetry(kMaxRetries), attempts);
    ASSERT_NE(client, nullptr);
    auto response = client->Send({.verb = verb, .path = "/api/v1/namespaces", .body = "{}"});
    ASSERT_FALSE(response.ok());
    // No connection was made, so the request certainly never reached a
    // server: the same as a refused connection, not a request timeout.
    EXPECT_EQ(response.error().code(), ErrorCode::kUnavailable) << response.error();
    EXPECT_EQ(response.error().reason(), kubeclient::kConnectFailedReason);
    EXPECT_EQ(attempts.codes().size(), std::size_t{kMaxRetries + 1});
    EXPECT_THAT(attempts.codes(), Each(0));
  }
}

TEST(RestClientTransportFaultsTest, HungServerHitsTheRequestTimeoutAndIsNotRetried) {
  // The first request is answered; every later one hangs until the server is
  // destroyed.
  FaultServer server([&server](int hit, const httplib::Request&, httplib::Response& res) {
    if (hit == 0) {
      res.set_content("{}", "application/json");
      return;
    }
    server.HoldUntilShutdown();
  });
  AttemptRecorder attempts;
  auto config = PlainConfig(server.url());
  config.request_timeout = std::chrono::milliseconds(300);
  auto client = FaultClient(std::move(config), FastRetry(), attempts);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send(Get()).ok());

  // First on the kept-alive connection, then (curl dropped that one) on a
  // fresh connection: both reached the server, which may have acted on them.
  for (const char* verb : {"POST", "GET"}) {
    SCOPED_TRACE(verb);
    const auto started = Steady::now();
    auto response = client->Send({.verb = verb, .path = "/api/v1/namespaces", .body = "{}"});
    const auto took = Steady::now() - started;
    ASSERT_FALSE(response.ok());
    EXPECT_EQ(response.error().code(), ErrorCode::kDeadlineExceeded) << response.error();
    EXPECT_NE(response.error().reason(), kubeclient::kConnectFailedReason);
    EXPECT_LT(took, kPrompt) << Seconds(took) << " s";
  }
  // Neither timed-out request was sent twice.
  EXPECT_THAT(attempts.codes(), ElementsAre(200, 0, 0));
  EXPECT_EQ(server.hits(), 3);
}

TEST(RestClientTransportFaultsTest, StopDuringRetryBackoffCancelsPromptly) {
  FaultServer server([](int, const httplib::Request&, httplib::Response& res) {
    res.status = 429;
    res.set_header("Retry-After", "30");
    res.set_content(R"({"kind":"Status"})", "application/json");
  });
  AttemptRecorder attempts;
  auto client = FaultClient(PlainConfig(server.url()), FastRetry(), attempts);
  ASSERT_NE(client, nullptr);

  std::stop_source stop;
  std::jthread canceller([&] {
    if (attempts.WaitForAttempts(1)) stop.request_stop();  // now in the 30 s backoff
  });
  const auto started = Steady::now();
  auto response = client->Send(Get(), stop.get_token());
  const auto took = Steady::now() - started;
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kCancelled) << response.error();
  EXPECT_LT(took, kPrompt) << Seconds(took) << " s";
  EXPECT_THAT(attempts.codes(), ElementsAre(429));
  EXPECT_EQ(server.hits(), 1);
}

TEST(RestClientTransportFaultsTest, StopDuringATransferCancelsIt) {
  // The handler never answers; it is released when the server is destroyed.
  FaultServer server(
      [&server](int, const httplib::Request&, httplib::Response&) { server.HoldUntilShutdown(); });
  AttemptRecorder attempts;
  auto config = PlainConfig(server.url());
  config.request_timeout = std::chrono::milliseconds(0);  // only the stop can end it
  auto client = FaultClient(std::move(config), FastRetry(), attempts);
  ASSERT_NE(client, nullptr);

  std::stop_source stop;
  std::jthread canceller([&] {
    if (server.WaitForHits(1)) stop.request_stop();  // the request is in flight
  });
  const auto started = Steady::now();
  auto response = client->Send(Get(), stop.get_token());
  const auto took = Steady::now() - started;
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kCancelled) << response.error();
  EXPECT_LT(took, kPrompt) << Seconds(took) << " s";
  EXPECT_THAT(attempts.codes(), ElementsAre(0));
}

TEST(RestClientTransportFaultsTest, GzipEncodedBodyIsDecoded) {
  const std::string json = R"({"kind":"ConfigMapList","items":[)" + std::string(4096, ' ') + "]}";
  const std::string gzipped = Gzip(json);
  ASSERT_LT(gzipped.size(), json.size() / 4) << "the body did not compress";
  FaultServer server([&gzipped](int, const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Accept-Encoding").find("gzip") == std::string::npos) {
      res.status = 406;  // the client did not offer gzip
      return;
    }
    res.status = 200;
    res.set_header("Content-Encoding", "gzip");
    // Not a type httplib compresses on its own: the bytes sent are ours.
    res.set_content(gzipped, "application/octet-stream");
  });
  AttemptRecorder attempts;
  auto client = FaultClient(PlainConfig(server.url()), FastRetry(), attempts);
  ASSERT_NE(client, nullptr);

  auto response = client->Send(Get());
  ASSERT_TRUE(response.ok()) << response.error();
  EXPECT_EQ(response->body, json);
  ASSERT_NE(response->Header("content-encoding"), nullptr);
  EXPECT_EQ(*response->Header("content-encoding"), "gzip");
  ASSERT_EQ(server.seen().size(), 1U);
  EXPECT_THAT(server.seen()[0].accept_encoding, HasSubstr("gzip"));
}

TEST(RestClientTransportFaultsTest, QpsLimitSpacesRequestsOut) {
  FaultServer server([](int, const httplib::Request&, httplib::Response& res) {
    res.set_content("{}", "application/json");
  });
  AttemptRecorder attempts;
  auto config = PlainConfig(server.url());
  config.qps = 5;
  config.burst = 1;
  auto client = FaultClient(std::move(config), FastRetry(), attempts);
  ASSERT_NE(client, nullptr);

  constexpr int kRequests = 6;  // one from the burst, five more at 5/s: at least 1 s
  const auto started = Steady::now();
  for (int i = 0; i < kRequests; ++i) {
    auto response = client->Send(Get());
    ASSERT_TRUE(response.ok()) << response.error();
  }
  const auto took = Steady::now() - started;
  EXPECT_GE(took, std::chrono::seconds(1)) << Seconds(took) << " s";
  EXPECT_EQ(server.hits(), kRequests);
}

}  // namespace
}  // namespace drs::testing
