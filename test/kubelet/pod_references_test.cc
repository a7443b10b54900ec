#include "kubelet/pod_references.h"

#include <gtest/gtest.h>

namespace drs::kubelet {
namespace {

using nlohmann::json;

const json kPod = {
    {"metadata", {{"name", "p"}, {"namespace", "ns"}}},
    {"spec",
     {{"volumes",
       json::array(
           {{{"name", "a"}, {"secret", {{"secretName", "keys"}}}},
            {{"name", "b"},
             {"projected", {{"sources", json::array({{{"configMap", {{"name", "cfg"}}}}})}}}},
            {{"name", "c"}, {"persistentVolumeClaim", {{"claimName", "data"}}}}})},
      {"containers",
       json::array(
           {{{"name", "c"},
             {"env", json::array(
                         {{{"name", "T"},
                           {"valueFrom", {{"secretKeyRef", {{"name", "token"}, {"key", "t"}}}}}}})},
             {"envFrom", json::array({{{"configMapRef", {{"name", "env-cfg"}}}}})}}})}}}};

TEST(PodReferencesTest, VolumesProjectionsEnvAndClaims) {
  EXPECT_TRUE(PodReferences(kPod, ReferenceKind::kSecret, "keys"));
  EXPECT_TRUE(PodReferences(kPod, ReferenceKind::kSecret, "token"));
  EXPECT_TRUE(PodReferences(kPod, ReferenceKind::kConfigMap, "cfg"));
  EXPECT_TRUE(PodReferences(kPod, ReferenceKind::kConfigMap, "env-cfg"));
  EXPECT_TRUE(PodReferences(kPod, ReferenceKind::kClaim, "data"));
  EXPECT_FALSE(PodReferences(kPod, ReferenceKind::kSecret, "cfg"));
  EXPECT_FALSE(PodReferences(kPod, ReferenceKind::kConfigMap, "keys"));
  EXPECT_FALSE(PodReferences(kPod, ReferenceKind::kClaim, "other"));
  EXPECT_FALSE(PodReferences({{"spec", "not an object"}}, ReferenceKind::kSecret, "keys"));
}

}  // namespace
}  // namespace drs::kubelet
