#include "kubeclient/kubeconfig.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/base64.h"
#include "base/test_temp_dir.h"

namespace drs::kubeclient {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kCaPem = "-----BEGIN CERTIFICATE-----\nMIIBca\n-----END CERTIFICATE-----\n";
constexpr const char* kCertPem =
    "-----BEGIN CERTIFICATE-----\nMIIBcert\n-----END CERTIFICATE-----\n";
constexpr const char* kKeyPem = "-----BEGIN PRIVATE KEY-----\nMIIEkey\n-----END PRIVATE KEY-----\n";
constexpr const char* kServer = "{server: 'https://10.0.0.1:6443'}";

// A kubeconfig with one context "dev" -> cluster "c", user "admin"; the
// cluster and user bodies are YAML flow maps.
std::string Config(const std::string& cluster, const std::string& user) {
  return "apiVersion: v1\nkind: Config\ncurrent-context: dev\n"
         "contexts:\n- name: dev\n  context: {cluster: c, user: admin, namespace: shop}\n"
         "- name: other\n  context: {cluster: c}\n"
         "clusters:\n- name: c\n  cluster: " +
         cluster + "\nusers:\n- name: admin\n  user: " + user + "\n";
}

class KubeconfigTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(dir_.ok()); }
  Result<RestConfig> Parse(const std::string& yaml, const std::string& context = "") {
    return ParseKubeconfig(yaml, {.context = context, .base_dir = dir_.path(), .source = "test"});
  }
  test::TempDir dir_;
};

TEST_F(KubeconfigTest, TokenUserAndContextFields) {
  auto config = Parse(Config("{server: 'https://api.example:6443/'}", "{token: s3cr3t}"));
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ(config->server, "https://api.example:6443");
  EXPECT_EQ(config->bearer_token.reveal(), "s3cr3t");
  EXPECT_EQ(config->default_namespace, "shop");
  EXPECT_EQ(config->context_name, "dev");
  EXPECT_EQ(config->source, "test");
  EXPECT_TRUE(config->ca_pem.empty());
  EXPECT_FALSE(config->exec.has_value());
}

TEST_F(KubeconfigTest, ContextOverrideWithoutUserIsAnonymous) {
  auto config = Parse(Config(kServer, "{token: s3cr3t}"), "other");
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ(config->context_name, "other");
  EXPECT_TRUE(config->bearer_token.empty());
  EXPECT_EQ(config->default_namespace, "");
}

TEST_F(KubeconfigTest, InlineDataIsDecoded) {
  const std::string cluster =
      "{server: 'https://a:6443', certificate-authority-data: " + Base64Encode(kCaPem) +
      ", tls-server-name: api.internal, " + "proxy-url: 'socks5://proxy:1080'}";
  const std::string user = "{client-certificate-data: " + Base64Encode(kCertPem) +
                           ", client-key-data: " + Base64Encode(kKeyPem) + "}";
  auto config = Parse(Config(cluster, user));
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ(config->ca_pem, kCaPem);
  EXPECT_EQ(config->client_cert_pem, kCertPem);
  EXPECT_EQ(config->client_key_pem.reveal(), kKeyPem);
  EXPECT_EQ(config->tls_server_name, "api.internal");
  EXPECT_EQ(config->proxy_url, "socks5://proxy:1080");
  EXPECT_FALSE(config->insecure_skip_tls_verify);
}

TEST_F(KubeconfigTest, RelativeFilesResolveAgainstBaseDir) {
  dir_.WriteFile("ca.crt", kCaPem);
  dir_.WriteFile("client.crt", kCertPem);
  dir_.WriteFile("client.key", kKeyPem);
  dir_.WriteFile("token", "tok\n");
  auto config =
      Parse(Config("{server: 'https://a', certificate-authority: ca.crt}",
                   "{client-certificate: client.crt, client-key: " + dir_.Join("client.key") +
                       ", tokenFile: token}"));
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ(config->ca_pem, kCaPem);
  EXPECT_EQ(config->client_cert_pem, kCertPem);
  EXPECT_EQ(config->client_key_pem.reveal(), kKeyPem);
  EXPECT_EQ(config->bearer_token_file, dir_.Join("token"));
  EXPECT_TRUE(config->bearer_token.empty());
}

TEST_F(KubeconfigTest, InsecureSkipVerify) {
  auto config = Parse(Config("{server: 'http://a:8080', insecure-skip-tls-verify: true}", "{}"));
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_TRUE(config->insecure_skip_tls_verify);
  EXPECT_EQ(config->server, "http://a:8080");
}

TEST_F(KubeconfigTest, ExecPlugin) {
  auto config = Parse(Config(
      kServer,
      "{exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: bin/get-token, "
      "args: [--cluster, prod], env: [{name: REGION, value: eu-west-1}, {name: EMPTY, value: ''}], "
      "installHint: 'install get-token', provideClusterInfo: true, interactiveMode: Never}}"));
  ASSERT_TRUE(config.ok()) << config.error();
  ASSERT_TRUE(config->exec.has_value());
  const ExecConfig& exec = *config->exec;
  EXPECT_EQ(exec.api_version, "client.authentication.k8s.io/v1beta1");
  EXPECT_EQ(exec.command, dir_.Join("bin/get-token"));
  EXPECT_EQ(exec.args, (std::vector<std::string>{"--cluster", "prod"}));
  ASSERT_EQ(exec.env.size(), 2U);
  EXPECT_EQ(exec.env[0], std::make_pair(std::string("REGION"), std::string("eu-west-1")));
  EXPECT_EQ(exec.env[1], std::make_pair(std::string("EMPTY"), std::string()));
  EXPECT_EQ(exec.install_hint, "install get-token");
  EXPECT_TRUE(exec.provide_cluster_info);
  EXPECT_EQ(exec.interactive_mode, "Never");
}

TEST_F(KubeconfigTest, ExecCommandOnPathStaysBare) {
  auto config =
      Parse(Config(kServer, "{exec: {apiVersion: client.authentication.k8s.io/v1, command: aws}}"));
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ(config->exec->command, "aws");
  EXPECT_EQ(config->exec->interactive_mode, "IfAvailable");
  EXPECT_FALSE(config->exec->provide_cluster_info);
}

TEST_F(KubeconfigTest, RejectsBadConfigsNamingTheField) {
  const std::string v1 = "apiVersion: client.authentication.k8s.io/v1";
  struct Case {
    std::string yaml;
    std::string want;
    std::string context = "";
    ErrorCode code = ErrorCode::kInvalid;
  };
  const Case cases[] = {
      {"clusters: []\ncontexts: []\n", "current-context is missing"},
      {"current-context: nope\ncontexts: []\n", "current-context \"nope\" is not in contexts"},
      {Config(kServer, "{}"), "requested context \"prod\" is not in contexts", "prod"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: gone}}]\n",
       "contexts[x].cluster names cluster \"gone\", which is not in clusters"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c, user: ghost}}]\n"
       "clusters: [{name: c, cluster: {server: 'https://a'}}]\n",
       "contexts[x].user names user \"ghost\", which is not in users"},
      {Config("{certificate-authority-data: ''}", "{}"), "clusters[c].server is missing"},
      {Config("{server: 'ftp://a'}", "{}"), "clusters[c].server \"ftp://a\" must be an https://"},
      {Config("{server: 'a.example:6443'}", "{}"), "clusters[c].server"},
      {Config(kServer, "{client-certificate-data: " + Base64Encode(kCertPem) +
                           ", client-key-data: 'not*base64'}"),
       "users[admin].client-key-data is not valid base64"},
      {Config(kServer, "{client-certificate-data: " + Base64Encode(kCertPem) + "}"),
       "users[admin] has a client-certificate but no client-key"},
      {Config(kServer, "{client-key-data: " + Base64Encode(kKeyPem) + "}"),
       "users[admin] has a client-key but no client-certificate"},
      {Config("{server: 'https://a', certificate-authority: missing.crt}", "{}"),
       "clusters[c].certificate-authority", "", ErrorCode::kNotFound},
      {Config("{server: 'https://a', certificate-authority-data: " + Base64Encode("DER") + "}",
              "{}"),
       "clusters[c].certificate-authority-data does not hold PEM data"},
      {Config("{server: 'https://a', certificate-authority: x, certificate-authority-data: y}",
              "{}"),
       "are both set"},
      {Config("{server: 'https://a', insecure-skip-tls-verify: true, "
              "certificate-authority-data: " +
                  Base64Encode(kCaPem) + "}",
              "{}"),
       "clusters[c].insecure-skip-tls-verify cannot be combined"},
      {Config("{server: 'https://a', insecure-skip-tls-verify: maybe}", "{}"),
       "clusters[c].insecure-skip-tls-verify must be true or false"},
      {Config("{server: 'https://a', proxy-url: 'ftp://p'}", "{}"), "clusters[c].proxy-url"},
      {Config(kServer, "{auth-provider: {name: gcp}}"),
       "users[admin].auth-provider is not supported"},
      {Config(kServer, "{username: bob, password: hunter2}"), "Kubernetes 1.19"},
      {Config(kServer, "{token: t, as: system:admin}"), "users[admin].as: impersonation"},
      {Config(kServer, "{tokenFile: no-such-token}"), "users[admin].tokenFile", "",
       ErrorCode::kNotFound},
      {Config(kServer, "{exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}}"),
       "users[admin].exec.apiVersion \"client.authentication.k8s.io/v1alpha1\" is not supported"},
      {Config(kServer, "{exec: {command: x}}"), "users[admin].exec.apiVersion is missing"},
      {Config(kServer, "{exec: {" + v1 + "}}"), "users[admin].exec.command is missing"},
      {Config(kServer, "{exec: {" + v1 + ", command: x, args: a}}"),
       "users[admin].exec.args must be a list"},
      {Config(kServer, "{exec: {" + v1 + ", command: x, env: [{value: v}]}}"),
       "users[admin].exec.env[0].name is missing"},
      {Config(kServer, "{exec: {" + v1 + ", command: x, env: [{name: A}]}}"),
       "users[admin].exec.env[0].value is missing"},
      {Config(kServer, "{exec: {" + v1 + ", command: x, interactiveMode: Sometimes}}"),
       "users[admin].exec.interactiveMode \"Sometimes\""},
      {Config(kServer, "{token: [a, b]}"), "users[admin].token must be a string"},
      {"current-context: x\nclusters: [{name: c, cluster: {server: 'https://a'}}, "
       "{name: c, cluster: {server: 'https://b'}}]\n",
       "clusters has two entries named \"c\""},
      {"clusters: {c: 1}\n", "clusters must be a list"},
      {"clusters: [{cluster: {server: 'https://a'}}]\n", "clusters[0].name is missing"},
      {"- just\n- a list\n", "a kubeconfig must be a YAML map"},
      {"clusters: [unclosed\n", "not valid YAML"},
  };
  for (const Case& c : cases) {
    auto config = Parse(c.yaml, c.context);
    ASSERT_FALSE(config.ok()) << "expected failure for: " << c.yaml;
    EXPECT_EQ(config.error().code(), c.code) << config.error();
    EXPECT_THAT(config.error().ToString(), HasSubstr(c.want)) << c.yaml;
    EXPECT_THAT(config.error().ToString(), HasSubstr("loading kubeconfig test"));
  }
}

TEST_F(KubeconfigTest, ErrorsNeverContainSecretValues) {
  const std::string cases[] = {
      Config(kServer, "{client-certificate-data: " + Base64Encode(kCertPem) +
                          ", client-key-data: 'SECRETKEYMATERIAL*'}"),
      Config(kServer, "{username: bob, password: SECRETKEYMATERIAL}"),
      Config("{server: 'ftp://a'}", "{token: SECRETKEYMATERIAL}"),
  };
  for (const std::string& yaml : cases) {
    auto config = Parse(yaml);
    ASSERT_FALSE(config.ok());
    EXPECT_THAT(config.error().ToString(), Not(HasSubstr("SECRETKEYMATERIAL")));
  }
}

TEST_F(KubeconfigTest, UnreadableFileErrorNamesFieldAndPath) {
  auto config = Parse(Config("{server: 'https://a', certificate-authority: nope.crt}", "{}"));
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code(), ErrorCode::kNotFound);
  EXPECT_THAT(config.error().ToString(), HasSubstr("clusters[c].certificate-authority"));
  EXPECT_THAT(config.error().ToString(), HasSubstr(dir_.Join("nope.crt")));
}

TEST_F(KubeconfigTest, LoadFileUsesItsDirectoryAndPath) {
  dir_.WriteFile("ca.crt", kCaPem);
  const std::string path = dir_.WriteFile(
      "config", Config("{server: 'https://a', certificate-authority: ca.crt}", "{token: t}"));
  auto config = LoadKubeconfigFile(path, "other");
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ(config->source, path);
  EXPECT_EQ(config->context_name, "other");
  EXPECT_EQ(config->ca_pem, kCaPem);

  auto missing = LoadKubeconfigFile(dir_.Join("absent"), "");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_THAT(missing.error().ToString(), HasSubstr(dir_.Join("absent")));
}

}  // namespace
}  // namespace drs::kubeclient
