#include "kubelet/shim_spec.h"

#include <gtest/gtest.h>

namespace drs::kubelet {
namespace {

TEST(ShimSpecTest, RoundTripsThroughJson) {
  const ShimSpec spec{
      .argv = {"/bin/sh", "-c", "true"},
      .working_dir = "/work",
      .hostname = "node-1",
      .scratch_dir = "/bed/scratch",
      .start_error_file = "/bed/start-error",
      .mounts = {{.source = "/bed/v", .target = "/data", .read_only = true},
                 {.source = "/bed/p", .target = "/pods", .host_to_container = true}}};
  auto back = ShimSpecFromJson(ShimSpecToJson(spec));
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(*back, spec);
}

TEST(ShimSpecTest, RejectsIncompleteSpecs) {
  EXPECT_FALSE(ShimSpecFromJson(nlohmann::json::object()).ok());
  auto doc = ShimSpecToJson({.argv = {}, .scratch_dir = "/s"});
  EXPECT_FALSE(ShimSpecFromJson(doc).ok());
}

}  // namespace
}  // namespace drs::kubelet
