#include "agent/volume_path.h"

#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/test_temp_dir.h"

namespace drs::agent {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

TEST(LogicalVolumePathTest, ParsesNamespaceAndClaim) {
  auto path = ParseLogicalVolumePath("pvc/shop/data-0.x/");
  ASSERT_TRUE(path.ok()) << path.error();
  EXPECT_EQ(path->ns, "shop");
  EXPECT_EQ(path->claim, "data-0.x");
}

TEST(LogicalVolumePathTest, RefusesEverythingElse) {
  const std::vector<std::pair<std::string, std::string>> refusals = {
      {"pvc/ns/../other/x", "traversal"},
      {"../pvc/ns/c/", "traversal"},
      {"pvc/ns/c/..", "traversal"},
      {"..", "traversal"},
      {"/pvc/ns/c/", "absolute"},
      {"/etc/", "absolute"},
      {"pvc/ns/c", "exactly"},
      {"pvc/ns/", "exactly"},
      {"pvc/ns/c/d/", "exactly"},
      {"pvc/ns//", "not a valid claim"},
      {"pvc//c/", "not a valid namespace"},
      {"pvc/NS/c/", "not a valid namespace"},
      {"pvc/ns/a..b/", "not a valid claim"},
      {"pvc/ns/./", "not a valid claim"},
      {"volumes/ns/c/", "not a volume path"},
      {"", "not a volume path"},
  };
  for (const auto& [text, reason] : refusals) {
    auto path = ParseLogicalVolumePath(text);
    ASSERT_FALSE(path.ok()) << "accepted " << text;
    EXPECT_EQ(path.error().code(), ErrorCode::kPermissionDenied);
    EXPECT_THAT(path.error().message(), HasSubstr(reason)) << text;
  }
}

class ResolveVolumeDirTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(dir_.ok()); }
  std::string Pods() const { return dir_.Join("pods"); }
  std::string MakeDir(const std::string& relative) const {
    const std::string path = Pods() + "/" + relative;
    fs::create_directories(path);
    return path;
  }

  test::TempDir dir_;
};

TEST_F(ResolveVolumeDirTest, FindsCsiVolumesAtTheirMountDir) {
  const std::string mount = MakeDir("uid-1/volumes/kubernetes.io~csi/pv-a/mount");
  auto found = ResolveVolumeDir(Pods(), "pv-a");
  ASSERT_TRUE(found.ok()) << found.error();
  EXPECT_EQ(*found, fs::canonical(mount).string());
}

TEST_F(ResolveVolumeDirTest, FindsInTreeVolumesAtTheirDir) {
  const std::string dir = MakeDir("uid-2/volumes/kubernetes.io~local-volume/pv-b");
  auto found = ResolveVolumeDir(Pods(), "pv-b");
  ASSERT_TRUE(found.ok()) << found.error();
  EXPECT_EQ(*found, fs::canonical(dir).string());
}

TEST_F(ResolveVolumeDirTest, PicksTheFirstPodInByteOrder) {
  MakeDir("uid-b/volumes/kubernetes.io~csi/pv-a/mount");
  const std::string first = MakeDir("uid-a/volumes/kubernetes.io~csi/pv-a/mount");
  auto found = ResolveVolumeDir(Pods(), "pv-a");
  ASSERT_TRUE(found.ok()) << found.error();
  EXPECT_EQ(*found, fs::canonical(first).string());
}

TEST_F(ResolveVolumeDirTest, NotFoundWhenNoPodMountsIt) {
  MakeDir("uid-1/volumes/kubernetes.io~csi/pv-a/mount");
  // A CSI volume directory without its mount is not mounted.
  MakeDir("uid-1/volumes/kubernetes.io~csi/pv-c");
  for (const char* name : {"pv-x", "pv-c"}) {
    auto found = ResolveVolumeDir(Pods(), name);
    ASSERT_FALSE(found.ok()) << name;
    EXPECT_EQ(found.error().code(), ErrorCode::kNotFound) << name;
  }
}

TEST_F(ResolveVolumeDirTest, IgnoresPodVolumesThatAreNotPersistentVolumes) {
  MakeDir("uid-1/volumes/kubernetes.io~secret/pv-a");
  MakeDir("uid-1/volumes/kubernetes.io~empty-dir/pv-a");
  MakeDir("uid-1/volumes/kubernetes.io~projected/pv-a");
  auto found = ResolveVolumeDir(Pods(), "pv-a");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code(), ErrorCode::kNotFound);
}

TEST_F(ResolveVolumeDirTest, RefusesSymlinksAnywhereInTheTree) {
  const std::string outside = dir_.Join("outside");
  fs::create_directories(outside);
  const std::vector<std::string> layouts = {
      "uid-1/volumes/kubernetes.io~csi/pv-a/mount",  // the mount dir itself
      "uid-1/volumes/kubernetes.io~csi/pv-a",        // the volume dir
      "uid-1/volumes",                               // a parent
      "uid-1",                                       // the pod dir
  };
  for (const std::string& link : layouts) {
    fs::remove_all(Pods());
    fs::create_directories(Pods());
    const fs::path at = Pods() + "/" + link;
    fs::create_directories(at.parent_path());
    // The link target has the full layout below it, so following would succeed.
    fs::create_directories(outside + "/volumes/kubernetes.io~csi/pv-a/mount");
    fs::create_directories(outside + "/kubernetes.io~csi/pv-a/mount");
    fs::create_directories(outside + "/mount");
    fs::create_symlink(outside, at);
    auto found = ResolveVolumeDir(Pods(), "pv-a");
    ASSERT_FALSE(found.ok()) << "followed a symlink at " << link;
    EXPECT_EQ(found.error().code(), ErrorCode::kPermissionDenied) << link;
    EXPECT_THAT(found.error().message(), HasSubstr("symlink in the kubelet tree")) << link;
  }
}

TEST_F(ResolveVolumeDirTest, ASymlinkedVolumeDirIsRefusedNotSkipped) {
  const std::string outside = dir_.Join("outside");
  fs::create_directories(outside + "/mount");
  fs::create_directories(Pods() + "/uid-1/volumes/kubernetes.io~csi");
  fs::create_symlink(outside, Pods() + "/uid-1/volumes/kubernetes.io~csi/pv-a");
  auto found = ResolveVolumeDir(Pods(), "pv-a");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_THAT(found.error().message(), HasSubstr("symlink in the kubelet tree"));
}

TEST_F(ResolveVolumeDirTest, AcceptsASymlinkedPodsDirItself) {
  // /var/lib/kubelet is a symlink on some distributions; the configured
  // pods dir is trusted, what is below it is not.
  const std::string mount = MakeDir("uid-1/volumes/kubernetes.io~csi/pv-a/mount");
  fs::create_symlink(Pods(), dir_.Join("pods-link"));
  auto found = ResolveVolumeDir(dir_.Join("pods-link"), "pv-a");
  ASSERT_TRUE(found.ok()) << found.error();
  EXPECT_EQ(*found, fs::canonical(mount).string());
}

TEST_F(ResolveVolumeDirTest, RefusesInvalidVolumeNames) {
  MakeDir("uid-1/volumes/kubernetes.io~csi/pv-a/mount");
  for (const char* name : {"..", "../x", "pv-a/mount", ""}) {
    auto found = ResolveVolumeDir(Pods(), name);
    ASSERT_FALSE(found.ok()) << name;
    EXPECT_EQ(found.error().code(), ErrorCode::kInvalid) << name;
  }
}

}  // namespace
}  // namespace drs::agent
