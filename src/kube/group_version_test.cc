#include "kube/group_version.h"

#include <set>
#include <unordered_set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drs::kube {
namespace {

using ::testing::HasSubstr;

TEST(ParseApiVersionTest, AcceptsCoreAndNamedGroups) {
  const struct {
    std::string_view in;
    GroupVersion want;
  } cases[] = {
      {"v1", {"", "v1"}},
      {"apps/v1", {"apps", "v1"}},
      {"batch/v1beta1", {"batch", "v1beta1"}},
      {"dr-syncer.io/v1alpha1", {"dr-syncer.io", "v1alpha1"}},
      {"rbac.authorization.k8s.io/v1", {"rbac.authorization.k8s.io", "v1"}},
  };
  for (const auto& c : cases) {
    const auto got = ParseApiVersion(c.in);
    ASSERT_TRUE(got.ok()) << c.in << ": " << got.error();
    EXPECT_EQ(*got, c.want) << c.in;
    EXPECT_EQ(ApiVersionString(*got), c.in) << "round trip";
    EXPECT_EQ(got->ToString(), c.in);
  }
}

TEST(ParseApiVersionTest, RejectsMalformedInput) {
  const struct {
    std::string_view in;
    std::string_view message_part;
  } cases[] = {
      {"", "version \"\""},
      {"apps/", "version \"\""},
      {"/v1", "group \"\""},
      {"apps/v1/extra", "version \"v1/extra\""},
      {"Apps/v1", "group \"Apps\""},
      {"apps/V1", "version \"V1\""},
      {"apps..io/v1", "group \"apps..io\""},
      {"-apps/v1", "group \"-apps\""},
      {"apps/v1 ", "version \"v1 \""},
  };
  for (const auto& c : cases) {
    const auto got = ParseApiVersion(c.in);
    ASSERT_FALSE(got.ok()) << "accepted \"" << c.in << "\"";
    EXPECT_EQ(got.error().code(), ErrorCode::kInvalid);
    EXPECT_THAT(got.error().message(), HasSubstr(std::string(c.message_part))) << c.in;
  }
}

TEST(ParseGroupResourceTest, SplitsAtTheFirstDot) {
  const struct {
    std::string_view in;
    GroupResource want;
  } cases[] = {
      {"deployments", {"", "deployments"}},
      {"deployments.apps", {"apps", "deployments"}},
      {"widgets.example.com", {"example.com", "widgets"}},
      {"replications.dr-syncer.io", {"dr-syncer.io", "replications"}},
      {"persistentvolumeclaims", {"", "persistentvolumeclaims"}},
  };
  for (const auto& c : cases) {
    const auto got = ParseGroupResource(c.in);
    ASSERT_TRUE(got.ok()) << c.in << ": " << got.error();
    EXPECT_EQ(*got, c.want) << c.in;
    EXPECT_EQ(got->ToString(), c.in) << "round trip";
  }
}

TEST(ParseGroupResourceTest, RejectsMalformedInput) {
  const struct {
    std::string_view in;
    std::string_view message_part;
  } cases[] = {
      {"", "\"\" is not a lowercase resource name"},
      {".apps", "\"\" is not a lowercase resource name"},
      {"deployments.", "group \"\""},
      {"Deployment.apps", "use the plural"},
      {"deployments.apps/v1", "group \"apps/v1\""},
      {"deploy ments", "\"deploy ments\""},
      {"widgets.example..com", "group \"example..com\""},
  };
  for (const auto& c : cases) {
    const auto got = ParseGroupResource(c.in);
    ASSERT_FALSE(got.ok()) << "accepted \"" << c.in << "\"";
    EXPECT_EQ(got.error().code(), ErrorCode::kInvalid);
    EXPECT_THAT(got.error().message(), HasSubstr(std::string(c.message_part))) << c.in;
  }
}

TEST(GroupVersionTest, PrintedForms) {
  EXPECT_EQ((GroupVersionKind{"apps", "v1", "Deployment"}).ToString(), "apps/v1, Kind=Deployment");
  EXPECT_EQ((GroupVersionKind{"", "v1", "ConfigMap"}).ToString(), "v1, Kind=ConfigMap");
  EXPECT_EQ((GroupVersionResource{"apps", "v1", "deployments"}).ToString(),
            "apps/v1, Resource=deployments");
  EXPECT_EQ((GroupVersionResource{"", "v1", "secrets"}).ToString(), "v1, Resource=secrets");
  EXPECT_EQ((GroupVersionKind{"apps", "v1", "Deployment"}).group_version(),
            (GroupVersion{"apps", "v1"}));
}

TEST(GroupVersionTest, OrderingAndHashingUseEveryField) {
  const GroupVersionResource a{"apps", "v1", "deployments"};
  const GroupVersionResource b{"apps", "v1", "statefulsets"};
  const GroupVersionResource c{"", "v1", "deployments"};
  EXPECT_LT(c, a);  // the core group sorts first
  EXPECT_LT(a, b);
  EXPECT_NE(a, b);
  const std::unordered_set<GroupVersionResource> set{a, b, c, a};
  EXPECT_EQ(set.size(), 3U);
  EXPECT_TRUE(set.contains(GroupVersionResource{"apps", "v1", "deployments"}));
  // Fields are not simply concatenated: ("ab","c") and ("a","bc") differ.
  EXPECT_NE(std::hash<GroupVersion>{}({"ab", "c"}), std::hash<GroupVersion>{}({"a", "bc"}));
  const std::set<GroupResource> ordered{{"apps", "deployments"}, {"", "pods"}};
  EXPECT_EQ(ordered.begin()->resource, "pods");
  EXPECT_EQ(std::unordered_set<GroupVersionKind>({{"a", "v1", "K"}, {"a", "v1", "K"}}).size(), 1U);
  EXPECT_EQ(std::unordered_set<GroupResource>({{"a", "x"}, {"b", "x"}}).size(), 2U);
}

TEST(ResourcePathTest, BuildsCoreAndGroupPaths) {
  const GroupVersionResource configmaps{"", "v1", "configmaps"};
  const GroupVersionResource deployments{"apps", "v1", "deployments"};
  const GroupVersionResource namespaces{"", "v1", "namespaces"};
  const GroupVersionResource roles{"rbac.authorization.k8s.io", "v1", "clusterroles"};
  const struct {
    GroupVersionResource gvr;
    std::string_view ns, name, sub;
    std::string_view want;
  } cases[] = {
      {configmaps, "shop", "cfg", "", "/api/v1/namespaces/shop/configmaps/cfg"},
      {configmaps, "shop", "", "", "/api/v1/namespaces/shop/configmaps"},
      {configmaps, "", "", "", "/api/v1/configmaps"},  // all namespaces
      {deployments, "shop", "web", "status",
       "/apis/apps/v1/namespaces/shop/deployments/web/status"},
      {deployments, "shop", "web", "scale", "/apis/apps/v1/namespaces/shop/deployments/web/scale"},
      {namespaces, "", "shop", "", "/api/v1/namespaces/shop"},
      {namespaces, "", "shop", "finalize", "/api/v1/namespaces/shop/finalize"},
      {roles, "", "system:controller:x", "",
       "/apis/rbac.authorization.k8s.io/v1/clusterroles/system:controller:x"},
      {configmaps, "shop", "a b?#", "", "/api/v1/namespaces/shop/configmaps/a%20b%3F%23"},
  };
  for (const auto& c : cases) {
    const auto got = ResourcePath(c.gvr, c.ns, c.name, c.sub);
    ASSERT_TRUE(got.ok()) << c.want << ": " << got.error();
    EXPECT_EQ(*got, c.want);
  }
}

TEST(ResourcePathTest, RejectsBadSegmentsNamingThem) {
  const GroupVersionResource configmaps{"", "v1", "configmaps"};
  const struct {
    GroupVersionResource gvr;
    std::string_view ns, name, sub;
    std::string_view message_part;
  } cases[] = {
      {configmaps, "shop", "a/b", "", "name \"a/b\""},
      {configmaps, "shop", "..", "", "name \"..\""},
      {configmaps, "shop", ".", "", "may not be '.' or '..'"},
      {configmaps, "shop", "50%", "", "may not contain '%'"},
      {configmaps, "a/b", "x", "", "namespace \"a/b\""},
      {configmaps, "shop", "x", "st/atus", "subresource \"st/atus\""},
      {configmaps, "shop", "", "status", "needs an object name"},
      {{"", "", "configmaps"}, "shop", "x", "", "empty version"},
      {{"", "v1", ""}, "shop", "x", "", "empty resource"},
      {{"a/b", "v1", "things"}, "", "", "", "group \"a/b\""},
  };
  for (const auto& c : cases) {
    const auto got = ResourcePath(c.gvr, c.ns, c.name, c.sub);
    ASSERT_FALSE(got.ok()) << "accepted " << *got;
    EXPECT_EQ(got.error().code(), ErrorCode::kInvalid);
    EXPECT_THAT(got.error().message(), HasSubstr(std::string(c.message_part)));
  }
}

}  // namespace
}  // namespace drs::kube
