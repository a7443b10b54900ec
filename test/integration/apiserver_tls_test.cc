// Talks TLS to both test bed API servers with the admin client certificate
// and checks the real answers: versions, identities, separate PKIs, RBAC
// for anonymous callers, and that the clusters do not share storage.

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/https.h"
#include "support/testbed.h"

namespace drs::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

class ApiServerTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(Testbed::Load(&bed_, &error)) << error;
  }

  // An admin request to CLUSTER, verified against that cluster's own CA.
  HttpsResponse Admin(const TestbedCluster& c, std::string method, const std::string& path,
                      std::string body = "") {
    return Send({.method = std::move(method),
                 .url = c.server + path,
                 .ca_file = c.ca,
                 .client_cert = c.client_cert,
                 .client_key = c.client_key,
                 .body = std::move(body)});
  }

  Testbed bed_;
};

TEST_F(ApiServerTlsTest, BothClustersServeThePinnedVersion) {
  for (const char* name : {"source", "dr"}) {
    const auto r = Admin(bed_.Cluster(name), "GET", "/version");
    ASSERT_EQ(r.status, 200) << name << ": " << r.error << r.body;
    EXPECT_EQ(nlohmann::json::parse(r.body).at("gitVersion"), bed_.kubernetes_version()) << name;
  }
}

TEST_F(ApiServerTlsTest, AdminCertificateAuthenticatesAsSystemMasters) {
  const auto review = R"({"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"})";
  for (const char* name : {"source", "dr"}) {
    const auto r = Admin(bed_.Cluster(name), "POST",
                         "/apis/authentication.k8s.io/v1/selfsubjectreviews", review);
    ASSERT_EQ(r.status, 201) << name << ": " << r.error << r.body;
    const auto user = nlohmann::json::parse(r.body).at("status").at("userInfo");
    EXPECT_EQ(user.at("username"), "testbed-admin");
    EXPECT_THAT(user.at("groups").get<std::vector<std::string>>(), Contains("system:masters"));
  }
}

TEST_F(ApiServerTlsTest, EachClusterHasItsOwnCertificateAuthority) {
  const auto& source = bed_.Cluster("source");
  const auto& dr = bed_.Cluster("dr");
  // dr's serving certificate must not verify against source's CA.
  const auto r = Send({.url = dr.server + "/version", .ca_file = source.ca});
  EXPECT_EQ(r.status, 0);
  EXPECT_THAT(r.error, HasSubstr("certificate"));
}

TEST_F(ApiServerTlsTest, AnonymousCallersAreDeniedByRbac) {
  const auto& source = bed_.Cluster("source");
  const auto r = Send({.url = source.server + "/api/v1/namespaces", .ca_file = source.ca});
  ASSERT_EQ(r.status, 403) << r.error << r.body;
  EXPECT_THAT(r.body, HasSubstr("system:anonymous"));
}

TEST_F(ApiServerTlsTest, NamespaceCreatedInSourceIsAbsentFromDr) {
  const std::string ns = UniqueNamespace("tls");
  const auto body =
      nlohmann::json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}}
          .dump();
  const auto created = Admin(bed_.Cluster("source"), "POST", "/api/v1/namespaces", body);
  ASSERT_EQ(created.status, 201) << created.error << created.body;
  EXPECT_EQ(nlohmann::json::parse(created.body).at("metadata").at("name"), ns);

  EXPECT_EQ(Admin(bed_.Cluster("source"), "GET", "/api/v1/namespaces/" + ns).status, 200);
  const auto in_dr = Admin(bed_.Cluster("dr"), "GET", "/api/v1/namespaces/" + ns);
  EXPECT_EQ(in_dr.status, 404) << in_dr.body;
  EXPECT_EQ(nlohmann::json::parse(in_dr.body).at("reason"), "NotFound");

  EXPECT_EQ(Admin(bed_.Cluster("source"), "DELETE", "/api/v1/namespaces/" + ns).status, 200);
}

}  // namespace
}  // namespace drs::testing
