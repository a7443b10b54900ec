#include "sync/desired_hash.h"

#include <gtest/gtest.h>

#include "sync/keys.h"

namespace drs::sync {
namespace {

using nlohmann::json;

const json kConfigMap = json::parse(R"({
  "apiVersion": "v1", "kind": "ConfigMap",
  "metadata": {"name": "cfg", "namespace": "shop-dr",
               "labels": {"app.kubernetes.io/managed-by": "dr-syncer"},
               "annotations": {"dr-syncer.io/source": "prod/shop/cfg"}},
  "data": {"a": "1", "b": "2"}
})");

TEST(DesiredHashTest, IsHexOfFixedLength) {
  const std::string hash = DesiredHash(kConfigMap);
  EXPECT_EQ(hash.size(), kDesiredHashLength);
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos) << hash;
}

TEST(DesiredHashTest, KnownSha256) {
  // SHA-256("abc") from FIPS 180-2, appendix B.1.
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // The hash is the digest of the canonical dump, cut to kDesiredHashLength.
  EXPECT_EQ(DesiredHash(json::parse(R"({"b":1,"a":2})")),
            Sha256Hex(R"({"a":2,"b":1})").substr(0, 32));
}

TEST(DesiredHashTest, StableAcrossKeyOrder) {
  const json reordered = json::parse(R"({
    "data": {"b": "2", "a": "1"},
    "metadata": {"annotations": {"dr-syncer.io/source": "prod/shop/cfg"},
                 "labels": {"app.kubernetes.io/managed-by": "dr-syncer"},
                 "namespace": "shop-dr", "name": "cfg"},
    "kind": "ConfigMap", "apiVersion": "v1"
  })");
  EXPECT_EQ(DesiredHash(reordered), DesiredHash(kConfigMap));
}

TEST(DesiredHashTest, ChangesWithAnyField) {
  const struct {
    const char* name;
    std::function<void(json&)> edit;
  } cases[] = {
      {"data value", [](json& o) { o["data"]["a"] = "10"; }},
      {"data key added", [](json& o) { o["data"]["c"] = ""; }},
      {"label", [](json& o) { o["metadata"]["labels"]["x"] = "y"; }},
      {"annotation", [](json& o) { o["metadata"]["annotations"]["dr-syncer.io/source"] = "x"; }},
      {"namespace", [](json& o) { o["metadata"]["namespace"] = "other"; }},
      {"string vs number", [](json& o) { o["data"]["a"] = 1; }},
      {"null member", [](json& o) { o["data"]["z"] = nullptr; }},
  };
  const std::string base = DesiredHash(kConfigMap);
  for (const auto& c : cases) {
    json changed = kConfigMap;
    c.edit(changed);
    EXPECT_NE(DesiredHash(changed), base) << c.name;
  }
}

TEST(DesiredHashTest, IgnoresItsOwnAnnotation) {
  json stamped = kConfigMap;
  stamped["metadata"]["annotations"][std::string(kDesiredHashAnnotation)] = "whatever";
  EXPECT_EQ(DesiredHash(stamped), DesiredHash(kConfigMap));
}

TEST(DesiredHashTest, NeverThrowsOnInvalidUtf8) {
  json odd = kConfigMap;
  odd["data"]["bad"] = std::string("\xff\xfe", 2);
  EXPECT_EQ(DesiredHash(odd).size(), kDesiredHashLength);
  EXPECT_NE(DesiredHash(odd), DesiredHash(kConfigMap));
}

TEST(DesiredHashTest, IsOursAndAppliedHash) {
  const struct {
    const char* name;
    json obj;
    bool ours;
    std::optional<std::string> applied;
  } cases[] = {
      {"ours with hash",
       json::parse(R"({"metadata": {"labels": {"app.kubernetes.io/managed-by": "dr-syncer"},
                                    "annotations": {"dr-syncer.io/desired-hash": "abc"}}})"),
       true, "abc"},
      {"ours without hash",
       json::parse(R"({"metadata": {"labels": {"app.kubernetes.io/managed-by": "dr-syncer"}}})"),
       true, std::nullopt},
      {"managed by Helm",
       json::parse(R"({"metadata": {"labels": {"app.kubernetes.io/managed-by": "Helm"},
                                    "annotations": {"dr-syncer.io/desired-hash": "abc"}}})"),
       false, "abc"},
      {"empty hash",
       json::parse(R"({"metadata": {"annotations": {"dr-syncer.io/desired-hash": ""}}})"), false,
       std::nullopt},
      {"no metadata", json::object(), false, std::nullopt},
      {"malformed", json::parse(R"({"metadata": {"labels": [1], "annotations": "x"}})"), false,
       std::nullopt},
      {"not an object", json(5), false, std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(IsOurs(c.obj), c.ours) << c.name;
    EXPECT_EQ(AppliedHash(c.obj), c.applied) << c.name;
  }
}

}  // namespace
}  // namespace drs::sync
