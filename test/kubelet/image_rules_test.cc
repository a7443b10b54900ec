#include "kubelet/image_rules.h"

#include <gtest/gtest.h>

namespace drs::kubelet {
namespace {

TEST(ImageRuleForTest, ClassifiesImages) {
  const auto agent = ImageRuleFor("ghcr.io/x/dr-syncer-agent:v1", "/build/dr-syncer-agent");
  EXPECT_EQ(agent.kind, ImageKind::kAgent);
  ASSERT_EQ(agent.files.size(), 1u);
  EXPECT_EQ(agent.files[0].first, "/usr/local/bin/dr-syncer-agent");
  EXPECT_EQ(agent.files[0].second, "/build/dr-syncer-agent");
  EXPECT_EQ(ImageRuleFor("testbed/exec", "").kind, ImageKind::kExec);
  EXPECT_EQ(ImageRuleFor("testbed/exec:1", "").kind, ImageKind::kExec);
  EXPECT_EQ(ImageRuleFor("testbed/executor", "").kind, ImageKind::kHeld);
  EXPECT_EQ(ImageRuleFor("nginx:1.27", "").kind, ImageKind::kHeld);
}

TEST(ContainerArgvTest, CommandReplacesEntrypointArgsAppend) {
  const auto agent = ImageRuleFor("dr-syncer-agent", "/b/agent");
  EXPECT_EQ(*ContainerArgv(agent, {}, {"run", "--port=2222"}),
            (std::vector<std::string>{"/usr/local/bin/dr-syncer-agent", "run", "--port=2222"}));
  EXPECT_EQ(*ContainerArgv(agent, {"/bin/sh", "-c"}, {"true"}),
            (std::vector<std::string>{"/bin/sh", "-c", "true"}));
  const auto exec = ImageRuleFor("testbed/exec", "");
  // No entrypoint: args alone are the command line, as with an image's CMD.
  EXPECT_EQ(*ContainerArgv(exec, {}, {"x"}), (std::vector<std::string>{"x"}));
  EXPECT_FALSE(ContainerArgv(exec, {}, {}).ok());
  EXPECT_EQ(*ContainerArgv(exec, {"sh"}, {}), (std::vector<std::string>{"sh"}));
}

}  // namespace
}  // namespace drs::kubelet
