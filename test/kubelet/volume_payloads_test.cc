#include "kubelet/volume_payloads.h"

#include <gtest/gtest.h>

#include "base/base64.h"
#include "kubelet/fake_object_lookup.h"

namespace drs::kubelet {
namespace {

using nlohmann::json;

const json kPod = {
    {"metadata",
     {{"name", "p"}, {"namespace", "ns1"}, {"uid", "u"}, {"labels", {{"b", "2"}, {"a", "1"}}}}},
    {"spec", {{"containers", json::array({{{"name", "c"}}})}}}};
const PodContext kContext{.node_name = "node-1", .host_ip = "127.0.1.1", .pod_ip = "127.0.1.1"};

std::map<std::string, std::pair<std::string, mode_t>> Flatten(const Payload& p) {
  std::map<std::string, std::pair<std::string, mode_t>> m;
  for (const auto& [k, v] : p) m[k] = {std::string(v.data.reveal()), v.mode};
  return m;
}

TEST(VolumePayloadTest, SecretAllKeysWithDefaultMode) {
  FakeObjectLookup lookup;
  lookup.AddSecret("ns1", "keys",
                   {{"id", Base64Encode("private")}, {"id.pub", Base64Encode("pub")}});
  auto p = VolumePayload(
      kPod, {{"name", "v"}, {"secret", {{"secretName", "keys"}, {"defaultMode", 0400}}}}, kContext,
      lookup);
  ASSERT_TRUE(p.ok()) << p.error();
  const auto m = Flatten(*p);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m.at("id"), std::make_pair(std::string("private"), mode_t{0400}));
  EXPECT_EQ(m.at("id.pub").second, 0400u);
}

TEST(VolumePayloadTest, ItemsChoosePathsAndModes) {
  FakeObjectLookup lookup;
  lookup.AddConfigMap("ns1", "cfg", {{"a", "A"}, {"b", "B"}});
  auto p = VolumePayload(
      kPod,
      {{"name", "v"},
       {"configMap",
        {{"name", "cfg"},
         {"items", json::array({{{"key", "a"}, {"path", "dir/a.txt"}, {"mode", 0600}}})}}}},
      kContext, lookup);
  ASSERT_TRUE(p.ok()) << p.error();
  const auto m = Flatten(*p);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m.at("dir/a.txt"), std::make_pair(std::string("A"), mode_t{0600}));
}

TEST(VolumePayloadTest, MissingObjectsAreNotFoundUnlessOptional) {
  FakeObjectLookup lookup;
  auto required =
      VolumePayload(kPod, {{"name", "v"}, {"secret", {{"secretName", "gone"}}}}, kContext, lookup);
  ASSERT_FALSE(required.ok());
  EXPECT_EQ(required.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(required.error().ToString().find("ns1/gone"), std::string::npos);
  auto optional =
      VolumePayload(kPod, {{"name", "v"}, {"secret", {{"secretName", "gone"}, {"optional", true}}}},
                    kContext, lookup);
  ASSERT_TRUE(optional.ok());
  EXPECT_TRUE(optional->empty());
}

TEST(VolumePayloadTest, DownwardApiAndProjectedSources) {
  FakeObjectLookup lookup;
  lookup.AddSecret("ns1", "s", {{"k", Base64Encode("v")}});
  auto p = VolumePayload(
      kPod,
      {{"name", "v"},
       {"projected",
        {{"defaultMode", 0440},
         {"sources",
          json::array({{{"secret", {{"name", "s"}}}},
                       {{"serviceAccountToken", {{"path", "token"}}}},
                       {{"downwardAPI",
                         {{"items", json::array({{{"path", "labels"},
                                                  {"fieldRef", {{"fieldPath", "metadata.labels"}}}},
                                                 {{"path", "node"},
                                                  {"fieldRef",
                                                   {{"fieldPath", "spec.nodeName"}}}}})}}}}})}}}},
      kContext, lookup);
  ASSERT_TRUE(p.ok()) << p.error();
  const auto m = Flatten(*p);
  EXPECT_EQ(m.at("k"), std::make_pair(std::string("v"), mode_t{0440}));
  EXPECT_EQ(m.at("labels").first, "a=\"1\"\nb=\"2\"\n");
  EXPECT_EQ(m.at("node").first, "node-1");
  EXPECT_EQ(m.count("token"), 0u);
}

}  // namespace
}  // namespace drs::kubelet
