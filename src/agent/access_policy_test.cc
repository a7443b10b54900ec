#include "agent/access_policy.h"

#include <chrono>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "agent/agent_test_util.h"
#include "base/rfc3339.h"
#include "base/test_temp_dir.h"

namespace drs::agent {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;
using test::AccessJson;
using test::ControllerKey;
using test::KeyLine;
using test::MoverKey;

TEST(AccessPolicyTest, ParsesTheDocumentedExample) {
  json mover = MoverKey("mover/shop/shop-dr/7", 'm', "shop", "data", "pvc-3f2a");
  mover["notAfter"] = "2026-11-27T08:00:00Z";
  auto policy = ParseAccessPolicy(AccessJson({ControllerKey("controller/3", 'c'), mover}));
  ASSERT_TRUE(policy.ok()) << policy.error();
  ASSERT_EQ(policy->keys.size(), 2u);

  const AccessKey* controller = policy->FindKey("controller/3");
  ASSERT_NE(controller, nullptr);
  EXPECT_EQ(controller->role, KeyRole::kController);
  EXPECT_EQ(controller->public_key, KeyLine('c'));
  EXPECT_FALSE(controller->not_after.has_value());

  const AccessKey* key = policy->FindKey("mover/shop/shop-dr/7");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->role, KeyRole::kMover);
  // The comment is dropped: only the re-encoded key reaches sshd.
  EXPECT_EQ(key->public_key, KeyLine('m'));
  ASSERT_TRUE(key->not_after.has_value());
  EXPECT_EQ(*key->not_after, *ParseRfc3339("2026-11-27T08:00:00Z"));
  const VolumeGrant* grant = key->FindVolume("shop", "data");
  ASSERT_NE(grant, nullptr);
  EXPECT_EQ(grant->volume_name, "pvc-3f2a");
  EXPECT_EQ(key->FindVolume("shop", "other"), nullptr);
  EXPECT_EQ(key->FindVolume("other", "data"), nullptr);
  EXPECT_EQ(policy->FindKey("mover/none"), nullptr);
}

TEST(AccessPolicyTest, ExpiryIsWholeSecondsAndInclusive) {
  json mover = MoverKey("m", 'm', "ns", "c", "pv");
  mover["notAfter"] = "2026-01-02T03:04:05.900Z";
  auto policy = ParseAccessPolicy(AccessJson({mover}));
  ASSERT_TRUE(policy.ok()) << policy.error();
  const AccessKey& key = policy->keys[0];
  const auto at = *ParseRfc3339("2026-01-02T03:04:05Z");
  EXPECT_FALSE(key.ExpiredAt(at - std::chrono::seconds(1)));
  EXPECT_TRUE(key.ExpiredAt(at));  // sshd's expiry-time has whole seconds
  EXPECT_TRUE(key.ExpiredAt(at + std::chrono::hours(1)));
}

TEST(AccessPolicyTest, EmptyKeyListIsValid) {
  auto policy = ParseAccessPolicy(R"({"version":1,"keys":[]})");
  ASSERT_TRUE(policy.ok()) << policy.error();
  EXPECT_TRUE(policy->keys.empty());
}

TEST(AccessPolicyTest, IgnoresUnknownFields) {
  json mover = MoverKey("m", 'm', "ns", "c", "pv");
  mover["future"] = true;
  json doc = {{"version", 1}, {"keys", {mover}}, {"generation", 4}};
  EXPECT_TRUE(ParseAccessPolicy(doc.dump()).ok());
}

struct BadCase {
  std::string name;
  std::string text;
  std::string reason;
};

std::vector<BadCase> BadCases() {
  const auto with = [](const std::string& field, const json& value) {
    json key = MoverKey("mover/1", 'm', "ns", "c", "pv");
    key[field] = value;
    return AccessJson({key});
  };
  const auto volume_with = [](const std::string& field, const std::string& value) {
    json key = MoverKey("mover/1", 'm', "ns", "c", "pv");
    key["volumes"][0][field] = value;
    return AccessJson({key});
  };
  json controller_with_volumes = ControllerKey("controller/1", 'c');
  controller_with_volumes["volumes"] = MoverKey("x", 'x', "ns", "c", "pv")["volumes"];
  json two_volumes = MoverKey("mover/1", 'm', "ns", "c", "pv");
  two_volumes["volumes"].push_back(two_volumes["volumes"][0]);
  return {
      {"not json", "{", "not valid JSON"},
      {"not an object", "[]", "JSON object"},
      {"no version", R"({"keys":[]})", "version"},
      {"version 2", R"({"version":2,"keys":[]})", "version"},
      {"keys not array", R"({"version":1,"keys":{}})", "keys"},
      {"id with quote", with("id", "a\"b"), "id must match"},
      {"id with newline", with("id", "a\nb"), "id must match"},
      {"id with space", with("id", "a b"), "id must match"},
      {"empty id", with("id", ""), "id must match"},
      {"id not string", with("id", 5), "must be a string"},
      {"unknown role", with("role", "admin"), "role \"admin\""},
      {"rsa key", with("publicKey", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ"), "ssh-rsa"},
      {"options in key", with("publicKey", "command=\"sh\" " + KeyLine('m')), "publicKey"},
      {"two lines", with("publicKey", KeyLine('m') + "\n" + KeyLine('n')), "publicKey"},
      {"bad base64", with("publicKey", "ssh-ed25519 AAAA!!!!"), "publicKey"},
      {"bad notAfter", with("notAfter", "tomorrow"), "notAfter"},
      {"notAfter number", with("notAfter", 5), "notAfter"},
      {"namespace with dots", volume_with("namespace", "a.b"), "namespace"},
      {"claim traversal", volume_with("claim", ".."), "claim"},
      {"volume with slash", volume_with("volumeName", "pv/../x"), "volumeName"},
      {"volume with quote", volume_with("volumeName", "pv\""), "volumeName"},
      {"controller with volumes", AccessJson({controller_with_volumes}), "may not list volumes"},
      {"same volume twice", AccessJson({two_volumes}), "listed twice"},
      {"same id twice",
       AccessJson({MoverKey("m", 'a', "ns", "c", "pv"), MoverKey("m", 'b', "ns", "c", "pv")}),
       "listed twice"},
      {"same key twice",
       AccessJson({MoverKey("m1", 'a', "ns", "c", "pv"), MoverKey("m2", 'a', "ns", "c", "pv")}),
       "same public key"},
  };
}

TEST(AccessPolicyTest, RefusesBadDocumentsWithAReason) {
  for (const BadCase& c : BadCases()) {
    auto policy = ParseAccessPolicy(c.text);
    ASSERT_FALSE(policy.ok()) << c.name;
    EXPECT_EQ(policy.error().code(), ErrorCode::kInvalid) << c.name;
    EXPECT_THAT(policy.error().ToString(), HasSubstr(c.reason)) << c.name;
  }
}

TEST(AccessPolicyTest, ErrorsNameTheKey) {
  json key = MoverKey("mover/shop/7", 'm', "ns", "c", "pv");
  key["role"] = "root";
  auto policy = ParseAccessPolicy(AccessJson({key}));
  ASSERT_FALSE(policy.ok());
  EXPECT_THAT(policy.error().message(), HasSubstr("key \"mover/shop/7\""));
}

TEST(AccessPolicyTest, LoadNamesTheFile) {
  drs::test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.WriteFile("access.json", "{");
  auto policy = LoadAccessPolicy(path);
  ASSERT_FALSE(policy.ok());
  EXPECT_THAT(policy.error().ToString(), HasSubstr(path));
  auto missing = LoadAccessPolicy(dir.Join("missing.json"));
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().ToString(), HasSubstr("missing.json"));
}

}  // namespace
}  // namespace drs::agent
