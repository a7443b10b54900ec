#include "kubelet/container_mounts.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "base/test_temp_dir.h"

namespace drs::kubelet {
namespace {

using nlohmann::json;

const ContainerFiles kFiles{
    .termination_log = "/c/termination-log-0", .tmp_dir = "/c/tmp", .run_dir = "/c/run"};

TEST(ContainerMountsTest, VolumeMountsThenTheContainersOwnFiles) {
  test::TempDir tmp;
  const std::map<std::string, PreparedVolume> volumes = {
      {"pods", {.host_path = tmp.Join("pods")}},
      {"data", {.host_path = tmp.Join("data"), .read_only = true}},
      {"work", {.host_path = tmp.Join("work")}}};
  std::vector<EnvVar> env;
  env.push_back({"POD", SecretBytes("p-1")});
  const json container = {
      {"name", "c"},
      {"terminationMessagePath", "/tmp/result"},
      {"volumeMounts",
       json::array({{{"name", "pods"},
                     {"mountPath", "/var/lib/kubelet/pods"},
                     {"readOnly", true},
                     {"mountPropagation", "HostToContainer"}},
                    {{"name", "data"}, {"mountPath", "/data"}},
                    {{"name", "work"}, {"mountPath", "/work"}, {"subPathExpr", "runs/$(POD)"}}})}};
  auto mounts =
      ContainerMounts(container, volumes, env, ImageRuleFor("dr-syncer-agent", "/b/a"), kFiles);
  ASSERT_TRUE(mounts.ok()) << mounts.error();
  const std::vector<ShimMount> want = {
      {.source = tmp.Join("pods"),
       .target = "/var/lib/kubelet/pods",
       .read_only = true,
       .host_to_container = true},
      {.source = tmp.Join("data"), .target = "/data", .read_only = true},
      {.source = tmp.Join("work") + "/runs/p-1", .target = "/work"},
      {.source = "/c/termination-log-0", .target = "/tmp/result"},
      {.source = "/b/a", .target = "/usr/local/bin/dr-syncer-agent", .read_only = true},
      {.source = "/c/tmp", .target = "/tmp"},
      {.source = "/c/run", .target = "/run"},
  };
  EXPECT_EQ(*mounts, want);
  EXPECT_TRUE(std::filesystem::is_directory(tmp.Join("work") + "/runs/p-1"));
}

TEST(ContainerMountsTest, DefaultTerminationPathAndBadMounts) {
  const std::map<std::string, PreparedVolume> volumes = {{"v", {.host_path = "/v"}}};
  auto plain =
      ContainerMounts({{"name", "c"}}, volumes, {}, ImageRuleFor("testbed/exec", ""), kFiles);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ((*plain)[0].target, "/dev/termination-log");

  auto unknown =
      ContainerMounts({{"volumeMounts", json::array({{{"name", "nope"}, {"mountPath", "/x"}}})}},
                      volumes, {}, ImageRule{}, kFiles);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().ToString().find("\"nope\""), std::string::npos);
  for (const char* bad : {"../escape", "/abs", "a/../../b"}) {
    auto escaping = ContainerMounts(
        {{"volumeMounts", json::array({{{"name", "v"}, {"mountPath", "/x"}, {"subPath", bad}}})}},
        volumes, {}, ImageRule{}, kFiles);
    EXPECT_FALSE(escaping.ok()) << bad;
  }
}

}  // namespace
}  // namespace drs::kubelet
