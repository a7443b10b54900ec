// dr-syncer's transport against a real kube-apiserver: HTTP/2 is negotiated
// and one connection carries sequential requests; insecure-skip-tls-verify
// works but is logged; a CA that did not sign the server is a TLS error that
// is reported, not retried.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <nlohmann/json.hpp>

#include "auth_helpers.h"
#include "base/logging.h"
#include "support/clients.h"
#include "support/tcp_proxy.h"

namespace drs::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr int kSequentialRequests = 20;

// Copies what a component logs while it lives. Only for loggers no other
// thread writes to at the same time (sinks() is not synchronised).
class LogCapture {
 public:
  explicit LogCapture(const std::string& component)
      : logger_(GetLogger(component)),
        sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)) {
    logger_->sinks().push_back(sink_);
  }
  ~LogCapture() { std::erase(logger_->sinks(), sink_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> logger_;
  spdlog::sink_ptr sink_;
};

// Counts attempts; RestClient calls it once per try.
class AttemptCounter final : public kubeclient::RequestObserver {
 public:
  void Observe(const std::string&, long, Clock::Duration) override { ++attempts_; }
  int attempts() const { return attempts_; }

 private:
  std::atomic<int> attempts_{0};
};

std::uint16_t PortOf(const std::string& server) {
  return static_cast<std::uint16_t>(std::stoi(server.substr(server.rfind(':') + 1)));
}

class KubeClientTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(Testbed::Load(&bed_, &error)) << error;
  }
  // The admin's client certificate, by path.
  json AdminUser() const {
    const auto& source = bed_.Cluster("source");
    return {{"client-certificate", source.client_cert}, {"client-key", source.client_key}};
  }
  Testbed bed_;
};

TEST_F(KubeClientTlsTest, Http2IsNegotiatedAndOneConnectionIsReused) {
  const auto& source = bed_.Cluster("source");
  auto admin = ClientsFor(source.kubeconfig);
  ASSERT_NE(admin.dynamic, nullptr);
  const std::string ns = UniqueNamespace("tls-h2");
  CreateNamespace(admin, ns);

  TcpProxy proxy(PortOf(source.server));
  const std::string via_proxy = "https://127.0.0.1:" + std::to_string(proxy.port());
  auto client = ClientFromKubeconfig(
      KubeconfigText({{"server", via_proxy}, {"certificate-authority", source.ca}}, AdminUser()));
  ASSERT_NE(client, nullptr);

  for (int i = 0; i < kSequentialRequests; ++i) {
    auto response =
        client->Send({.verb = "GET", .path = "/api/v1/namespaces/" + ns + "/configmaps"});
    ASSERT_TRUE(response.ok()) << "request " << i << ": " << response.error();
    EXPECT_EQ(response->http_major_version, 2) << "request " << i;
  }
  EXPECT_EQ(proxy.connections_accepted(), 1);
}

TEST_F(KubeClientTlsTest, StalledTlsHandshakeIsRetriedAsAFailedConnect) {
  const auto& source = bed_.Cluster("source");
  TcpProxy proxy(PortOf(source.server));
  proxy.SetStalled(true);  // TCP connects, but the handshake never completes
  constexpr int kMaxRetries = 2;
  const kubeclient::RetryPolicy retry{
      .max_retries = kMaxRetries,
      .backoff = {.initial = std::chrono::milliseconds(10), .max = std::chrono::milliseconds(10)}};
  auto client = ClientFromKubeconfig(
      KubeconfigText({{"server", "https://127.0.0.1:" + std::to_string(proxy.port())},
                      {"certificate-authority", source.ca}},
                     AdminUser()),
      retry, [](kubeclient::RestConfig& config) {
        config.connect_timeout = std::chrono::milliseconds(300);
      });
  ASSERT_NE(client, nullptr);
  AttemptCounter attempts;
  client->SetObserver(&attempts);

  auto response = client->Send(
      {.verb = "POST", .path = "/apis/authentication.k8s.io/v1/selfsubjectreviews", .body = "{}"});
  ASSERT_FALSE(response.ok());
  // No request left the client, so even a POST is retried, each time on a
  // connection of its own.
  EXPECT_EQ(response.error().code(), ErrorCode::kUnavailable) << response.error();
  EXPECT_EQ(response.error().reason(), kubeclient::kConnectFailedReason);
  EXPECT_EQ(attempts.attempts(), kMaxRetries + 1);
  EXPECT_EQ(proxy.connections_accepted(), kMaxRetries + 1);
}

TEST_F(KubeClientTlsTest, InsecureSkipTlsVerifyWorksAndIsLogged) {
  const auto& source = bed_.Cluster("source");
  LogCapture log("kubeclient");
  auto client = ClientFromKubeconfig(
      KubeconfigText({{"server", source.server}, {"insecure-skip-tls-verify", true}}, AdminUser()));
  ASSERT_NE(client, nullptr);

  auto who = WhoAmI(*client);
  ASSERT_TRUE(who.ok()) << who.error();
  EXPECT_EQ(who->value("username", ""), "testbed-admin");
  EXPECT_THAT(log.text(), HasSubstr("TLS verification is OFF"));
  EXPECT_THAT(log.text(), HasSubstr(source.server));
}

TEST_F(KubeClientTlsTest, AnotherClustersCaIsATlsErrorAndNotRetried) {
  const auto& source = bed_.Cluster("source");
  auto client = ClientFromKubeconfig(KubeconfigText(
      {{"server", source.server}, {"certificate-authority", bed_.Cluster("dr").ca}}, AdminUser()));
  ASSERT_NE(client, nullptr);
  AttemptCounter attempts;
  client->SetObserver(&attempts);

  auto response = client->Send({.verb = "GET", .path = "/version"});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kFailedPrecondition) << response.error();
  EXPECT_EQ(response.error().reason(), "TLSError");
  EXPECT_EQ(attempts.attempts(), 1);
}

}  // namespace
}  // namespace drs::testing
