#include "kubeclient/exec_credential.h"

#include <filesystem>
#include <latch>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <nlohmann/json.hpp>

#include "base/base64.h"
#include "base/fake_clock.h"
#include "base/logging.h"
#include "base/test_temp_dir.h"

namespace drs::kubeclient {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;  // NOLINT(build/namespaces): test brevity

constexpr const char* kV1 = "client.authentication.k8s.io/v1";
constexpr const char* kToken = "SECRET-TOKEN-abc123";
// FakeClock's wall clock starts at 2026-01-01T00:00:00Z.
constexpr const char* kTenMinutesIn = "2026-01-01T00:10:00Z";
constexpr auto kPromptly = std::chrono::seconds(10);

std::string Credential(const std::string& status, const std::string& api_version = kV1) {
  return R"({"apiVersion":")" + api_version + R"(","kind":"ExecCredential","status":)" + status +
         "}";
}

std::string TokenStatus(const std::string& expiry = "") {
  std::string status = R"({"token":")" + std::string(kToken) + "\"";
  if (!expiry.empty()) status += R"(,"expirationTimestamp":")" + expiry + "\"";
  return status + "}";
}

class ExecCredentialTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(dir_.ok()); }

  // A /bin/sh plugin that counts its runs in ./calls, saves its request in
  // ./exec_info, runs `extra` and prints `output`.
  ExecConfig Plugin(const std::string& output, const std::string& extra = "") {
    const std::string script = "#!/bin/sh\ncd '" + dir_.path() +
                               "'\necho run >> calls\nprintf '%s' \"$KUBERNETES_EXEC_INFO\" > "
                               "exec_info\n" +
                               extra + "\ncat <<'JSON'\n" + output + "\nJSON\n";
    ExecConfig config;
    config.command = dir_.WriteFile("plugin", script, 0755);
    config.install_hint = "install the test plugin";
    return config;
  }

  int Calls() const {
    const std::string calls = dir_.ReadFile("calls");
    return static_cast<int>(std::count(calls.begin(), calls.end(), '\n'));
  }

  nlohmann::json ExecInfo() const { return nlohmann::json::parse(dir_.ReadFile("exec_info")); }

  test::TempDir dir_;
  FakeClock clock_;
};

TEST_F(ExecCredentialTest, CachesUntilShortlyBeforeExpiry) {
  ExecCredentialProvider provider(Plugin(Credential(TokenStatus(kTenMinutesIn))), clock_, {});
  auto first = provider.Get({});
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first->token.reveal(), kToken);
  ASSERT_TRUE(first->expiration.has_value());
  EXPECT_EQ(*first->expiration, clock_.WallNow() + 10min);

  clock_.Advance(10min - kExecCredentialExpirySkew - 1s);
  ASSERT_TRUE(provider.Get({}).ok());
  EXPECT_EQ(Calls(), 1);
  clock_.Advance(1s);  // now within the skew of the expiry
  ASSERT_TRUE(provider.Get({}).ok());
  EXPECT_EQ(Calls(), 2);
}

TEST_F(ExecCredentialTest, WithoutExpiryCachesUntilInvalidated) {
  ExecCredentialProvider provider(Plugin(Credential(TokenStatus())), clock_, {});
  ASSERT_TRUE(provider.Get({}).ok());
  clock_.Advance(1000h);
  auto again = provider.Get({});
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->expiration.has_value());
  EXPECT_EQ(Calls(), 1);
  provider.Invalidate();
  ASSERT_TRUE(provider.Get({}).ok());
  EXPECT_EQ(Calls(), 2);
}

TEST_F(ExecCredentialTest, RequestCarriesClusterInfoOnlyWhenAsked) {
  const ExecClusterInfo cluster{.server = "https://api:6443",
                                .ca_pem = "-----BEGIN CERTIFICATE-----\nx\n",
                                .tls_server_name = "api.internal"};
  for (bool provide : {false, true}) {
    ExecConfig config = Plugin(Credential(TokenStatus()));
    config.provide_cluster_info = provide;
    ExecCredentialProvider provider(config, clock_, cluster);
    ASSERT_TRUE(provider.Get({}).ok());
    const nlohmann::json info = ExecInfo();
    EXPECT_EQ(info["apiVersion"], kV1);
    EXPECT_EQ(info["kind"], "ExecCredential");
    EXPECT_EQ(info["spec"]["interactive"], false);
    EXPECT_EQ(info["spec"].contains("cluster"), provide);
    if (provide) {
      EXPECT_EQ(info["spec"]["cluster"]["server"], "https://api:6443");
      EXPECT_EQ(info["spec"]["cluster"]["certificate-authority-data"],
                Base64Encode(cluster.ca_pem));
      EXPECT_EQ(info["spec"]["cluster"]["tls-server-name"], "api.internal");
      EXPECT_FALSE(info["spec"]["cluster"].contains("insecure-skip-tls-verify"));
    }
  }
}

TEST_F(ExecCredentialTest, PassesArgsAndEnvWithoutAShell) {
  ExecConfig config =
      Plugin(Credential(TokenStatus()), R"(printf '%s|%s|%s' "$1" "$2" "$REGION" > seen)");
  config.args = {"--name", "a b; rm -rf /"};
  config.env = {{"REGION", "eu-west-1"}};
  ExecCredentialProvider provider(config, clock_, {});
  ASSERT_TRUE(provider.Get({}).ok());
  EXPECT_EQ(dir_.ReadFile("seen"), "--name|a b; rm -rf /|eu-west-1");
}

TEST_F(ExecCredentialTest, ReturnsClientCertificates) {
  ExecConfig config =
      Plugin(Credential(R"({"clientCertificateData":"CERT PEM","clientKeyData":"KEY PEM"})",
                        "client.authentication.k8s.io/v1beta1"));
  config.api_version = "client.authentication.k8s.io/v1beta1";
  ExecCredentialProvider provider(config, clock_, {});
  auto credential = provider.Get({});
  ASSERT_TRUE(credential.ok()) << credential.error();
  EXPECT_EQ(credential->client_cert_pem, "CERT PEM");
  EXPECT_EQ(credential->client_key_pem.reveal(), "KEY PEM");
  EXPECT_TRUE(credential->token.empty());
}

TEST_F(ExecCredentialTest, FailingPluginIsUnauthenticatedWithDetails) {
  const std::string long_noise(2000, 'n');
  ExecCredentialProvider provider(
      Plugin("", "echo 'login expired' >&2; echo " + long_noise + " >&2; exit 3"), clock_, {});
  auto credential = provider.Get({});
  ASSERT_FALSE(credential.ok());
  const Error& error = credential.error();
  EXPECT_EQ(error.code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(error.message(), HasSubstr("exit code 3"));
  EXPECT_THAT(error.message(), HasSubstr("login expired"));
  EXPECT_THAT(error.message(), HasSubstr("install the test plugin"));
  EXPECT_LT(error.message().size(), 1000U) << "stderr must be truncated";
}

TEST_F(ExecCredentialTest, FailureIsNotCached) {
  dir_.WriteFile("fail", "");
  ExecCredentialProvider provider(
      Plugin(Credential(TokenStatus()), "if [ -f fail ]; then exit 1; fi"), clock_, {});
  EXPECT_FALSE(provider.Get({}).ok());
  std::filesystem::remove(dir_.Join("fail"));
  EXPECT_TRUE(provider.Get({}).ok());
  EXPECT_EQ(Calls(), 2);
}

TEST_F(ExecCredentialTest, MissingPluginNamesItAndTheInstallHint) {
  ExecConfig config;
  config.command = "drs-no-such-auth-plugin";
  config.install_hint = "brew install drs-auth";
  ExecCredentialProvider provider(config, clock_, {});
  auto credential = provider.Get({});
  ASSERT_FALSE(credential.ok());
  EXPECT_EQ(credential.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(credential.error().message(), HasSubstr("drs-no-such-auth-plugin"));
  EXPECT_THAT(credential.error().message(), HasSubstr("brew install drs-auth"));
}

TEST_F(ExecCredentialTest, RejectsBadOutputWithoutLeakingTheToken) {
  struct Case {
    std::string output;
    std::string want;
  };
  const std::string token_field = R"("token":")" + std::string(kToken) + "\"";
  const Case cases[] = {
      {"not json " + std::string(kToken), "not valid JSON"},
      {R"({"kind":"Other","apiVersion":"client.authentication.k8s.io/v1","status":{)" +
           token_field + "}}",
       "kind is not ExecCredential"},
      {Credential(TokenStatus(), "client.authentication.k8s.io/v1beta1"), "does not match"},
      {R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1"})", "no status"},
      {Credential("{}"), "neither a token"},
      {Credential(R"({"clientCertificateData":"C",)" + token_field + "}"), "only one of"},
      {Credential(R"({"token":7})"), "status.token must be a string"},
      {Credential(TokenStatus("next tuesday")), "expirationTimestamp"},
  };
  for (const Case& c : cases) {
    ExecCredentialProvider provider(Plugin(c.output), clock_, {});
    auto credential = provider.Get({});
    ASSERT_FALSE(credential.ok()) << c.output;
    EXPECT_EQ(credential.error().code(), ErrorCode::kUnauthenticated);
    EXPECT_THAT(credential.error().ToString(), HasSubstr(c.want)) << c.output;
    EXPECT_THAT(credential.error().ToString(), Not(HasSubstr(kToken))) << c.output;
  }
}

TEST_F(ExecCredentialTest, InteractiveOnlyPluginIsRefused) {
  ExecConfig config = Plugin(Credential(TokenStatus()));
  config.interactive_mode = "Always";
  ExecCredentialProvider provider(config, clock_, {});
  auto credential = provider.Get({});
  ASSERT_FALSE(credential.ok());
  EXPECT_THAT(credential.error().message(), HasSubstr("interactiveMode: Always"));
  EXPECT_EQ(Calls(), 0);
}

TEST_F(ExecCredentialTest, ConcurrentGetsRunThePluginOnce) {
  constexpr int kCallers = 8;
  // The plugin blocks until the test creates ./release, so callers pile up.
  ExecCredentialProvider provider(
      Plugin(Credential(TokenStatus()), "while [ ! -f release ]; do sleep 0.01; done"), clock_, {});
  std::latch started(kCallers);
  std::vector<std::string> tokens(kCallers);
  {
    std::vector<std::jthread> callers;
    for (int i = 0; i < kCallers; ++i) {
      callers.emplace_back([&, i] {
        started.count_down();
        auto credential = provider.Get({});
        tokens[static_cast<std::size_t>(i)] = credential.ok()
                                                  ? std::string(credential->token.reveal())
                                                  : credential.error().ToString();
      });
    }
    started.wait();
    const auto give_up = std::chrono::steady_clock::now() + kPromptly;
    while (Calls() == 0 && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
    dir_.WriteFile("release", "");
  }
  for (const std::string& token : tokens) EXPECT_EQ(token, kToken);
  EXPECT_EQ(Calls(), 1);
}

TEST_F(ExecCredentialTest, StopCancelsARunningPlugin) {
  ExecCredentialProvider provider(Plugin(Credential(TokenStatus()), "exec sleep 60"), clock_, {});
  std::stop_source stop;
  Result<ExecCredential> result = InternalError("not run");
  std::jthread caller([&] { result = provider.Get(stop.get_token()); });
  const auto give_up = std::chrono::steady_clock::now() + kPromptly;
  while (Calls() == 0 && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
  stop.request_stop();
  caller.join();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kCancelled);
}

TEST_F(ExecCredentialTest, LogsNeverContainTheToken) {
  std::ostringstream logs;
  auto logger = GetLogger("exec-credential");
  logger->sinks().push_back(std::make_shared<spdlog::sinks::ostream_sink_mt>(logs));
  ExecCredentialProvider provider(Plugin(Credential(TokenStatus(kTenMinutesIn))), clock_, {});
  ASSERT_TRUE(provider.Get({}).ok());
  logger->flush();
  logger->sinks().pop_back();
  EXPECT_THAT(logs.str(), HasSubstr("exec credential refreshed"));
  EXPECT_THAT(logs.str(), HasSubstr(kTenMinutesIn));
  EXPECT_THAT(logs.str(), Not(HasSubstr(kToken)));
}

}  // namespace
}  // namespace drs::kubeclient
