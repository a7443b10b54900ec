#include "kubeclient/in_cluster.h"

#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/test_temp_dir.h"

namespace drs::kubeclient {
namespace {

using ::testing::HasSubstr;

constexpr const char* kCaPem = "-----BEGIN CERTIFICATE-----\nMIIBca\n-----END CERTIFICATE-----\n";

class InClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    dir_.WriteFile("token", "eyJhbGciOi.token\n");
    dir_.WriteFile("ca.crt", kCaPem);
    dir_.WriteFile("namespace", "dr-system\n");
  }
  InClusterEnvironment Env(std::map<std::string, std::string> vars) const {
    return {
        .getenv = [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
          const auto it = vars.find(name);
          if (it == vars.end()) return std::nullopt;
          return it->second;
        },
        .service_account_dir = dir_.path()};
  }
  test::TempDir dir_;
};

TEST_F(InClusterTest, BuildsTheConfigFromServiceVariablesAndAccount) {
  struct Case {
    std::string host;
    std::string port;
    std::string want_server;
  };
  const Case cases[] = {
      {"10.96.0.1", "443", "https://10.96.0.1:443"},
      {"fd00:10:96::1", "6443", "https://[fd00:10:96::1]:6443"},
      {"[fd00::1]", "443", "https://[fd00::1]:443"},
      {"kubernetes.default.svc", "443", "https://kubernetes.default.svc:443"},
  };
  for (const Case& c : cases) {
    auto config = InClusterConfig(
        Env({{"KUBERNETES_SERVICE_HOST", c.host}, {"KUBERNETES_SERVICE_PORT", c.port}}));
    ASSERT_TRUE(config.ok()) << config.error();
    EXPECT_EQ(config->server, c.want_server);
    EXPECT_EQ(config->bearer_token_file, dir_.Join("token"));
    EXPECT_TRUE(config->bearer_token.empty()) << "the token must be re-read, not copied";
    EXPECT_EQ(config->ca_pem, kCaPem);
    EXPECT_EQ(config->default_namespace, "dr-system");
    EXPECT_THAT(config->source, HasSubstr(dir_.path()));
  }
}

TEST_F(InClusterTest, NamespaceComesFromEnvThenFileThenDefault) {
  const std::map<std::string, std::string> service = {{"KUBERNETES_SERVICE_HOST", "10.0.0.1"},
                                                      {"KUBERNETES_SERVICE_PORT", "443"}};
  auto with_env = service;
  with_env["POD_NAMESPACE"] = "from-env";
  auto config = InClusterConfig(Env(with_env));
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ(config->default_namespace, "from-env");

  std::filesystem::remove(dir_.Join("namespace"));
  config = InClusterConfig(Env(service));
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ(config->default_namespace, "default");
}

TEST_F(InClusterTest, OutsideAClusterIsFailedPrecondition) {
  for (const auto& vars : {std::map<std::string, std::string>{},
                           {{"KUBERNETES_SERVICE_HOST", "10.0.0.1"}},
                           {{"KUBERNETES_SERVICE_PORT", "443"}}}) {
    auto config = InClusterConfig(Env(vars));
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.error().code(), ErrorCode::kFailedPrecondition);
    EXPECT_THAT(config.error().message(), HasSubstr("KUBERNETES_SERVICE_HOST"));
  }
  auto no_getenv = InClusterConfig(InClusterEnvironment{.service_account_dir = dir_.path()});
  ASSERT_FALSE(no_getenv.ok());
  EXPECT_EQ(no_getenv.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(InClusterTest, RejectsBadPortsAndMissingFiles) {
  for (const std::string port : {"https", "0", "65536", "443x", "-1"}) {
    auto config = InClusterConfig(
        Env({{"KUBERNETES_SERVICE_HOST", "10.0.0.1"}, {"KUBERNETES_SERVICE_PORT", port}}));
    ASSERT_FALSE(config.ok()) << port;
    EXPECT_THAT(config.error().message(), HasSubstr("KUBERNETES_SERVICE_PORT")) << port;
  }
  struct Case {
    std::string file;
    std::string contents;  // "" with remove = true deletes the file
    bool remove;
  };
  for (const Case& c : {Case{"token", "", true}, Case{"token", " \n", false},
                        Case{"ca.crt", "", true}, Case{"ca.crt", "", false}}) {
    SetUp();  // restore every file
    if (c.remove) {
      std::filesystem::remove(dir_.Join(c.file));
    } else {
      dir_.WriteFile(c.file, c.contents);
    }
    auto config = InClusterConfig(
        Env({{"KUBERNETES_SERVICE_HOST", "10.0.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}}));
    ASSERT_FALSE(config.ok()) << c.file;
    EXPECT_THAT(config.error().ToString(), HasSubstr(dir_.Join(c.file)));
    EXPECT_EQ(config.error().code(), c.remove ? ErrorCode::kNotFound : ErrorCode::kInvalid);
  }
}

}  // namespace
}  // namespace drs::kubeclient
