// dr-syncer's client authenticating to a real kube-apiserver the ways a
// RemoteCluster kubeconfig may ask for: an exec credential plugin (run once
// and cached), a tokenFile that is rotated under the client, and a client
// certificate with groups. The API server's SelfSubjectReview is the judge.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "auth_helpers.h"
#include "base/rfc3339.h"
#include "base/test_temp_dir.h"
#include "support/clients.h"

namespace drs::testing {
namespace {

using nlohmann::json;
using ::testing::Contains;

// A plugin credential's lifetime: long enough to outlive the test, so any
// second plugin run would be a caching bug, not an expiry.
constexpr auto kPluginTokenLifetime = std::chrono::minutes(5);
constexpr int kRequestsAfterTheFirst = 5;

class KubeClientAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(Testbed::Load(&bed_, &error)) << error;
    ASSERT_TRUE(dir_.ok());
    admin_ = ClientsFor(bed_.Cluster("source").kubeconfig);
    ASSERT_NE(admin_.dynamic, nullptr);
  }

  // A namespace of this test's own, for its ServiceAccounts.
  std::string NewNamespace(const std::string& prefix) {
    std::string ns = UniqueNamespace(prefix);
    CreateNamespace(admin_, ns);
    return ns;
  }

  // The source cluster, verified against its own CA.
  json SourceCluster() const {
    const auto& source = bed_.Cluster("source");
    return {{"server", source.server}, {"certificate-authority", source.ca}};
  }

  Testbed bed_;
  test::TempDir dir_;
  ClusterClients admin_;
};

TEST_F(KubeClientAuthTest, ExecPluginTokenAuthenticatesAndIsCached) {
  const std::string ns = NewNamespace("auth-exec");
  const std::string token = TokenOf(RunTestbed({"serviceaccount", "source", ns, "plugin-user"}));
  ASSERT_FALSE(token.empty());

  const std::string runs = dir_.Join("runs");
  const json credential = {
      {"apiVersion", "client.authentication.k8s.io/v1"},
      {"kind", "ExecCredential"},
      {"status",
       {{"token", token},
        {"expirationTimestamp",
         FormatRfc3339(std::chrono::system_clock::now() + kPluginTokenLifetime)}}}};
  const std::string plugin = dir_.WriteFile(
      "plugin.sh",
      "#!/bin/sh\necho run >> '" + runs + "'\ncat <<'EOF'\n" + credential.dump() + "\nEOF\n", 0700);
  auto client = ClientFromKubeconfig(
      KubeconfigText(SourceCluster(), {{"exec",
                                        {{"apiVersion", "client.authentication.k8s.io/v1"},
                                         {"command", plugin},
                                         {"interactiveMode", "Never"}}}}));
  ASSERT_NE(client, nullptr);

  const std::string expected = "system:serviceaccount:" + ns + ":plugin-user";
  EXPECT_EQ(UsernameOf(*client), expected);
  for (int i = 0; i < kRequestsAfterTheFirst; ++i) {
    EXPECT_EQ(UsernameOf(*client), expected) << "request " << i + 2;
  }
  const std::string log = dir_.ReadFile("runs");
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1) << "plugin runs:\n" << log;
}

TEST_F(KubeClientAuthTest, RotatedTokenFileIsPickedUpAtOnce) {
  const std::string ns = NewNamespace("auth-tokenfile");
  const std::string token_a = TokenOf(RunTestbed({"serviceaccount", "source", ns, "a"}));
  const std::string token_b = TokenOf(RunTestbed({"serviceaccount", "source", ns, "b"}));
  ASSERT_FALSE(token_a.empty());
  ASSERT_FALSE(token_b.empty());

  // Replace the file as kubelet does: write a sibling, rename it over.
  const std::string token_file = dir_.Join("token");
  const auto install = [&](const std::string& token) {
    const std::string staged = dir_.WriteFile("token.new", token + "\n");
    ASSERT_EQ(std::rename(staged.c_str(), token_file.c_str()), 0) << token_file;
  };
  install(token_a);
  auto client = ClientFromKubeconfig(KubeconfigText(SourceCluster(), {{"tokenFile", token_file}}));
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(UsernameOf(*client), "system:serviceaccount:" + ns + ":a");

  install(token_b);
  // A new inode: TokenFileSource re-reads on the next request, not a minute later.
  EXPECT_EQ(UsernameOf(*client), "system:serviceaccount:" + ns + ":b");
}

TEST_F(KubeClientAuthTest, ClientCertificateAuthenticatesAsItsSubject) {
  const std::string name = UniqueNamespace("cert-user");  // unique across runs
  const std::string group = "dr-testers";
  auto clients = ClientsFor(RunTestbed({"user", "source", name, "--group", group}));
  ASSERT_NE(clients.rest, nullptr);

  auto who = WhoAmI(*clients.rest);
  ASSERT_TRUE(who.ok()) << who.error();
  EXPECT_EQ(who->value("username", ""), name);
  const auto groups = who->value("groups", std::vector<std::string>{});
  EXPECT_THAT(groups, Contains(group));
  EXPECT_THAT(groups, Contains("system:authenticated"));
}

}  // namespace
}  // namespace drs::testing
