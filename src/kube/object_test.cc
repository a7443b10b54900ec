#include "kube/object.h"

#include <unordered_set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drs::kube {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Map = std::map<std::string, std::string>;

const json kDeployment = json::parse(R"({
  "apiVersion": "apps/v1",
  "kind": "Deployment",
  "metadata": {
    "name": "web", "namespace": "shop", "uid": "u-1", "resourceVersion": "42",
    "generation": 7,
    "labels": {"app": "web", "tier": "front", "bad": 3},
    "annotations": {"note": "x", "nested": {"a": 1}},
    "ownerReferences": [
      {"apiVersion": "v1", "kind": "Thing", "name": "t", "uid": "u-0", "controller": true,
       "blockOwnerDeletion": true},
      {"apiVersion": "v1", "kind": "Other", "name": "o", "uid": "u-2", "controller": "yes"},
      "garbage"
    ]
  }
})");

TEST(ObjectTest, ReadsWellFormedMetadata) {
  EXPECT_EQ(Name(kDeployment), "web");
  EXPECT_EQ(Namespace(kDeployment), "shop");
  EXPECT_EQ(Uid(kDeployment), "u-1");
  EXPECT_EQ(ResourceVersion(kDeployment), "42");
  EXPECT_EQ(Generation(kDeployment), 7);
  EXPECT_EQ(Kind(kDeployment), "Deployment");
  EXPECT_EQ(ApiVersion(kDeployment), "apps/v1");
  EXPECT_EQ(Labels(kDeployment), (Map{{"app", "web"}, {"tier", "front"}}));  // 3 skipped
  EXPECT_EQ(Annotations(kDeployment), (Map{{"note", "x"}}));
  EXPECT_FALSE(IsBeingDeleted(kDeployment));
  const auto gvk = GroupVersionKindOf(kDeployment);
  ASSERT_TRUE(gvk.ok()) << gvk.error();
  EXPECT_EQ(*gvk, (GroupVersionKind{"apps", "v1", "Deployment"}));
}

TEST(ObjectTest, OwnerReferencesSkipMalformedEntries) {
  EXPECT_THAT(OwnerReferences(kDeployment),
              ElementsAre(OwnerReference{"v1", "Thing", "t", "u-0", true, true},
                          OwnerReference{"v1", "Other", "o", "u-2", false, false}));
}

// Every malformed shape reads as the empty value instead of throwing.
TEST(ObjectTest, MalformedObjectsReadAsEmpty) {
  const json cases[] = {
      json(),
      json(5),
      json("metadata"),
      json::array({1, 2}),
      json::object(),
      json::parse(R"({"metadata": null})"),
      json::parse(R"({"metadata": "x", "kind": 3, "apiVersion": ["v1"]})"),
      json::parse(R"({"metadata": [1]})"),
      json::parse(R"({"metadata": {"name": 1, "namespace": {}, "uid": null, "generation": "7",
                      "labels": "a=b", "annotations": [], "ownerReferences": {"a": 1},
                      "resourceVersion": 42}})"),
  };
  for (const json& obj : cases) {
    SCOPED_TRACE(obj.dump());
    EXPECT_EQ(Name(obj), "");
    EXPECT_EQ(Namespace(obj), "");
    EXPECT_EQ(Uid(obj), "");
    EXPECT_EQ(ResourceVersion(obj), "");
    EXPECT_EQ(Generation(obj), 0);
    EXPECT_EQ(Kind(obj), "");
    EXPECT_EQ(ApiVersion(obj), "");
    EXPECT_TRUE(Labels(obj).empty());
    EXPECT_TRUE(Annotations(obj).empty());
    EXPECT_TRUE(OwnerReferences(obj).empty());
    EXPECT_FALSE(IsBeingDeleted(obj));
    EXPECT_EQ(KeyOf(obj), ObjectKey{});
    EXPECT_FALSE(GroupVersionKindOf(obj).ok());
  }
}

TEST(ObjectTest, GenerationHandlesIntegerRange) {
  const struct {
    std::string_view generation;
    std::int64_t want;
  } cases[] = {
      {"1", 1},
      {"9223372036854775807", 9223372036854775807},
      {"9223372036854775808", 0},  // beyond int64: malformed
      {"18446744073709551615", 0},
      {"-3", -3},
      {"1.5", 0},
      {"true", 0},
  };
  for (const auto& c : cases) {
    const json obj =
        json::parse(R"({"metadata": {"generation": )" + std::string(c.generation) + "}}");
    EXPECT_EQ(Generation(obj), c.want) << c.generation;
  }
}

TEST(ObjectTest, DeletionTimestampMarksDeletion) {
  EXPECT_TRUE(IsBeingDeleted(
      json::parse(R"({"metadata": {"deletionTimestamp": "2024-01-01T00:00:00Z"}})")));
  EXPECT_FALSE(IsBeingDeleted(json::parse(R"({"metadata": {"deletionTimestamp": null}})")));
}

TEST(ObjectTest, GroupVersionKindOfReportsWhatIsWrong) {
  const auto no_kind = GroupVersionKindOf(json::parse(R"({"apiVersion": "v1"})"));
  ASSERT_FALSE(no_kind.ok());
  EXPECT_THAT(no_kind.error().message(), HasSubstr("no kind"));
  const auto bad_version =
      GroupVersionKindOf(json::parse(R"({"apiVersion": "a/b/c", "kind": "X"})"));
  ASSERT_FALSE(bad_version.ok());
  EXPECT_THAT(bad_version.error().message(), HasSubstr("a/b/c"));
}

TEST(ObjectTest, SettersCreateMetadataAsNeeded) {
  json obj;  // null counts as absent
  ASSERT_TRUE(SetLabel(obj, "app", "web").ok());
  ASSERT_TRUE(SetAnnotation(obj, "dr-syncer.io/source", "east").ok());
  ASSERT_TRUE(SetLabel(obj, "app", "api").ok());  // overwrites
  EXPECT_EQ(obj, json::parse(R"({"metadata": {"labels": {"app": "api"},
                                "annotations": {"dr-syncer.io/source": "east"}}})"));

  json kept = kDeployment;
  ASSERT_TRUE(SetLabel(kept, "extra", "1").ok());
  EXPECT_EQ(kept["metadata"]["labels"]["bad"], 3) << "unrelated entries are kept";
  EXPECT_EQ(Labels(kept).at("extra"), "1");
}

TEST(ObjectTest, SettersRejectMalformedShapesWithoutChangingThem) {
  const json cases[] = {
      json(5),
      json::array(),
      json::parse(R"({"metadata": "x"})"),
      json::parse(R"({"metadata": {"labels": ["a"], "annotations": "b"}})"),
  };
  for (const json& original : cases) {
    json obj = original;
    const Status label = SetLabel(obj, "k", "v");
    const Status annotation = SetAnnotation(obj, "k", "v");
    ASSERT_FALSE(label.ok()) << original.dump();
    ASSERT_FALSE(annotation.ok()) << original.dump();
    EXPECT_EQ(label.error().code(), ErrorCode::kInvalid);
    EXPECT_THAT(annotation.error().message(), HasSubstr("metadata.annotations"));
    EXPECT_EQ(obj, original);
  }
}

TEST(ObjectTest, RemoveDropsTheKeyAndThenTheEmptyMap) {
  json obj = json::parse(R"({"metadata": {"name": "a", "annotations": {"x": "1", "y": "2"},
                                          "labels": {"l": "1"}}})");
  RemoveAnnotation(obj, "x");
  EXPECT_EQ(Annotations(obj), (Map{{"y", "2"}}));
  RemoveAnnotation(obj, "missing");
  RemoveAnnotation(obj, "y");
  RemoveLabel(obj, "l");
  EXPECT_EQ(obj, json::parse(R"({"metadata": {"name": "a"}})"));
  // Malformed shapes are left alone.
  json odd = json::parse(R"({"metadata": {"annotations": "x"}})");
  RemoveAnnotation(odd, "x");
  EXPECT_EQ(odd, json::parse(R"({"metadata": {"annotations": "x"}})"));
  json scalar = 3;
  RemoveLabel(scalar, "x");
  EXPECT_EQ(scalar, 3);
}

TEST(ObjectKeyTest, PrintsAndParses) {
  const struct {
    std::string_view text;
    ObjectKey key;
  } cases[] = {
      {"shop/web", {"shop", "web"}},
      {"node-1", {"", "node-1"}},
      {"kube-system/system:controller", {"kube-system", "system:controller"}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.key.ToString(), c.text);
    const auto parsed = ParseObjectKey(c.text);
    ASSERT_TRUE(parsed.ok()) << c.text << ": " << parsed.error();
    EXPECT_EQ(*parsed, c.key);
  }
}

TEST(ObjectKeyTest, ParseRejectsMalformedKeys) {
  const struct {
    std::string_view text;
    std::string_view message_part;
  } cases[] = {
      {"", "empty name"},
      {"shop/", "empty name"},
      {"/web", "empty namespace"},
      {"/", "empty namespace"},
      {"a/b/c", "want \"namespace/name\""},
  };
  for (const auto& c : cases) {
    const auto parsed = ParseObjectKey(c.text);
    ASSERT_FALSE(parsed.ok()) << "accepted \"" << c.text << "\"";
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalid);
    EXPECT_THAT(parsed.error().message(), HasSubstr(std::string(c.message_part)));
  }
}

TEST(ObjectKeyTest, OrdersByNamespaceThenNameAndHashes) {
  EXPECT_LT((ObjectKey{"a", "z"}), (ObjectKey{"b", "a"}));
  EXPECT_LT((ObjectKey{"a", "a"}), (ObjectKey{"a", "b"}));
  EXPECT_LT((ObjectKey{"", "z"}), (ObjectKey{"a", "a"}));
  const std::unordered_set<ObjectKey> keys{{"a", "b"}, {"a", "b"}, {"", "a/b"}, {"ab", ""}};
  EXPECT_EQ(keys.size(), 3U);
  EXPECT_EQ(KeyOf(kDeployment), (ObjectKey{"shop", "web"}));
}

TEST(DescribeObjectTest, LeavesOutAbsentParts) {
  const struct {
    json obj;
    std::string_view want;
  } cases[] = {
      {kDeployment, "apps/v1 Deployment shop/web"},
      {json::parse(R"({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})"),
       "v1 Namespace shop"},
      {json::parse(R"({"kind": "ConfigMap", "metadata": {"namespace": "shop"}})"),
       "ConfigMap shop/<unnamed>"},
      {json(), "<unnamed>"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(DescribeObject(c.obj), c.want);
  }
}

}  // namespace
}  // namespace drs::kube
