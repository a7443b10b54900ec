// RestClient's retry rules against a real, misbehaving HTTP server: which
// answers are retried (429, 5xx with Retry-After, 5xx on a GET), which are
// not (a bare 5xx on a POST), how Retry-After and max_retries bound the
// retries, and the single credential refresh after a 401 from an exec plugin.

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/test_temp_dir.h"
#include "fault_server.h"

namespace drs::testing {
namespace {

using kubeclient::RestRequest;
using ::testing::ElementsAre;
using Steady = std::chrono::steady_clock;

constexpr const char* kOkBody = R"({"kind":"Status","status":"Success"})";

void Answer(httplib::Response& res, int status, const char* retry_after = nullptr) {
  res.status = status;
  if (retry_after != nullptr) res.set_header("Retry-After", retry_after);
  res.set_content(status < 300 ? kOkBody : R"({"kind":"Status","status":"Failure"})",
                  "application/json");
}

RestRequest Post(std::string body = R"({"kind":"ConfigMap"})") {
  return {.verb = "POST", .path = "/api/v1/namespaces/ns/configmaps", .body = std::move(body)};
}
RestRequest Get() { return {.verb = "GET", .path = "/api/v1/namespaces/ns/configmaps/cm"}; }

TEST(RestClientFaultsTest, TooManyRequestsWaitsForRetryAfterThenSucceeds) {
  FaultServer server([](int hit, const httplib::Request&, httplib::Response& res) {
    hit == 0 ? Answer(res, 429, "1") : Answer(res, 200);
  });
  AttemptRecorder attempts;
  auto client = FaultClient(PlainConfig(server.url()), FastRetry(), attempts);
  ASSERT_NE(client, nullptr);

  const auto started = Steady::now();
  auto response = client->Send(Get());
  const auto took = Steady::now() - started;
  ASSERT_TRUE(response.ok()) << response.error();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, kOkBody);
  // The backoff alone is 10 ms: only Retry-After explains a full second.
  EXPECT_GE(took, std::chrono::seconds(1)) << Seconds(took) << " s";
  EXPECT_THAT(attempts.codes(), ElementsAre(429, 200));
  EXPECT_EQ(server.hits(), 2);
}

TEST(RestClientFaultsTest, ServiceUnavailableWithRetryAfterRetriesAPost) {
  FaultServer server([](int hit, const httplib::Request&, httplib::Response& res) {
    hit == 0 ? Answer(res, 503, "1") : Answer(res, 201);
  });
  AttemptRecorder attempts;
  auto client = FaultClient(PlainConfig(server.url()), FastRetry(), attempts);
  ASSERT_NE(client, nullptr);

  auto response = client->Send(Post(R"({"n":1})"));
  ASSERT_TRUE(response.ok()) << response.error();
  EXPECT_EQ(response->status, 201);
  EXPECT_THAT(attempts.codes(), ElementsAre(503, 201));
  const auto seen = server.seen();
  ASSERT_EQ(seen.size(), 2U);
  for (const auto& request : seen) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.body, R"({"n":1})");  // the retry resent the whole body
  }
}

TEST(RestClientFaultsTest, InternalErrorWithoutRetryAfterIsNotRetriedForAPost) {
  FaultServer server([](int, const httplib::Request&, httplib::Response& res) {
    Answer(res, 500);  // the server may have acted: repeating a create is unsafe
  });
  AttemptRecorder attempts;
  auto client = FaultClient(PlainConfig(server.url()), FastRetry(), attempts);
  ASSERT_NE(client, nullptr);

  auto response = client->Send(Post());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kUnavailable) << response.error();
  EXPECT_EQ(response.error().http_status(), 500);
  EXPECT_THAT(attempts.codes(), ElementsAre(500));
  EXPECT_EQ(server.hits(), 1);
}

TEST(RestClientFaultsTest, InternalErrorOnAGetIsRetriedUntilSuccess) {
  FaultServer server([](int hit, const httplib::Request&, httplib::Response& res) {
    hit < 2 ? Answer(res, 500) : Answer(res, 200);
  });
  AttemptRecorder attempts;
  auto client = FaultClient(PlainConfig(server.url()), FastRetry(), attempts);
  ASSERT_NE(client, nullptr);

  auto response = client->Send(Get());
  ASSERT_TRUE(response.ok()) << response.error();
  EXPECT_EQ(response->body, kOkBody);
  EXPECT_THAT(attempts.codes(), ElementsAre(500, 500, 200));
  EXPECT_EQ(server.hits(), 3);
}

TEST(RestClientFaultsTest, MaxRetriesBoundsAServerThatAlwaysThrottles) {
  FaultServer server(
      [](int, const httplib::Request&, httplib::Response& res) { Answer(res, 429, "7"); });
  AttemptRecorder attempts;
  constexpr int kMaxRetries = 2;
  auto retry = FastRetry(kMaxRetries);
  // Cap the server's 7 s hint at nothing so the test takes milliseconds;
  // the hint must still reach the caller in the error.
  retry.max_retry_after = std::chrono::seconds(0);
  auto client = FaultClient(PlainConfig(server.url()), retry, attempts);
  ASSERT_NE(client, nullptr);

  const auto started = Steady::now();
  auto response = client->Send(Post());  // a 429 is retried whatever the verb
  const auto took = Steady::now() - started;
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kResourceExhausted) << response.error();
  EXPECT_EQ(response.error().http_status(), 429);
  ASSERT_TRUE(response.error().retry_after().has_value());
  EXPECT_EQ(*response.error().retry_after(), std::chrono::seconds(7));
  EXPECT_THAT(attempts.codes(), ElementsAre(429, 429, 429));
  EXPECT_EQ(server.hits(), kMaxRetries + 1);
  EXPECT_LT(took, std::chrono::seconds(7)) << "max_retry_after did not cap the wait";
}

// An exec plugin that hands out "tok-<run number>" and counts its runs.
std::string WriteCountingPlugin(const test::TempDir& dir) {
  const std::string counter = dir.Join("runs");
  return dir.WriteFile(
      "plugin.sh",
      "#!/bin/sh\n"
      "echo run >> '" +
          counter +
          "'\n"
          "n=$(wc -l < '" +
          counter +
          "' | tr -d ' ')\n"
          "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
          "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"tok-%s\"}}' \"$n\"\n",
      0700);
}

int PluginRuns(const test::TempDir& dir) {
  const std::string runs = dir.ReadFile("runs");
  return static_cast<int>(std::count(runs.begin(), runs.end(), '\n'));
}

kubeclient::RestConfig ExecConfigFor(const std::string& server, const std::string& plugin) {
  auto config = PlainConfig(server);
  config.exec = kubeclient::ExecConfig{.command = plugin, .interactive_mode = "Never"};
  return config;
}

TEST(RestClientFaultsTest, UnauthorizedRerunsTheExecPluginOnceAndRetriesOnce) {
  test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string plugin = WriteCountingPlugin(dir);
  FaultServer server([](int, const httplib::Request& req, httplib::Response& res) {
    // Only the second credential the plugin hands out is accepted.
    req.get_header_value("Authorization") == "Bearer tok-2" ? Answer(res, 200) : Answer(res, 401);
  });
  AttemptRecorder attempts;
  auto client = FaultClient(ExecConfigFor(server.url(), plugin), FastRetry(), attempts);
  ASSERT_NE(client, nullptr);

  auto response = client->Send(Get());
  ASSERT_TRUE(response.ok()) << response.error();
  EXPECT_THAT(attempts.codes(), ElementsAre(401, 200));
  EXPECT_EQ(PluginRuns(dir), 2);
  std::vector<std::string> tokens;
  for (const auto& seen : server.seen()) tokens.push_back(seen.authorization);
  EXPECT_THAT(tokens, ElementsAre("Bearer tok-1", "Bearer tok-2"));
}

TEST(RestClientFaultsTest, UnauthorizedTwiceIsReturnedAfterOneRefresh) {
  test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string plugin = WriteCountingPlugin(dir);
  FaultServer server(
      [](int, const httplib::Request&, httplib::Response& res) { Answer(res, 401); });
  AttemptRecorder attempts;
  auto client = FaultClient(ExecConfigFor(server.url(), plugin), FastRetry(), attempts);
  ASSERT_NE(client, nullptr);

  auto response = client->Send(Get());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kUnauthenticated) << response.error();
  EXPECT_EQ(response.error().http_status(), 401);
  EXPECT_THAT(attempts.codes(), ElementsAre(401, 401));
  EXPECT_EQ(PluginRuns(dir), 2);
}

}  // namespace
}  // namespace drs::testing
