#include "kubelet/host_mounts.h"

#include <gtest/gtest.h>

namespace drs::kubelet {
namespace {

TEST(ParseMountInfoTest, ReadsMountPointsAndPropagation) {
  const std::string text =
      "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
      "42 27 254:0 /bed/nodes/node-1 /bed/nodes/node-1 rw,relatime shared:1 - ext4 /dev/vda rw\n"
      "43 42 254:0 /bed/volumes/pv\\0401 /bed/nodes/node-1/var/lib/kubelet/pods/u/volumes/"
      "kubernetes.io~csi/pv\\0401/mount rw shared:1 master:3 - ext4 /dev/vda rw\n"
      "garbage line\n";
  const auto entries = ParseMountInfo(text);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].mount_point, "/");
  EXPECT_EQ(entries[0].optional, "");
  EXPECT_EQ(entries[1].optional, "shared:1");
  EXPECT_EQ(entries[2].root, "/bed/volumes/pv 1");
  EXPECT_EQ(entries[2].mount_point,
            "/bed/nodes/node-1/var/lib/kubelet/pods/u/volumes/kubernetes.io~csi/pv 1/mount");
  EXPECT_EQ(entries[2].optional, "shared:1 master:3");
}

}  // namespace
}  // namespace drs::kubelet
