#include "kubelet/env_expansion.h"

#include <map>

#include <gtest/gtest.h>

namespace drs::kubelet {
namespace {

std::string Expand(std::string_view in) {
  const std::map<std::string, std::string, std::less<>> vars{
      {"NODE_IP", "127.0.1.2"}, {"EMPTY", ""}, {"PORT", "2222"}};
  return ExpandVars(in, [&](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}

TEST(ExpandVarsTest, FollowsKubernetesRules) {
  const struct {
    std::string in;
    std::string want;
  } cases[] = {
      {"plain", "plain"},
      {"$(NODE_IP)", "127.0.1.2"},
      {"--listen=$(NODE_IP):$(PORT)", "--listen=127.0.1.2:2222"},
      {"$(UNDEFINED)", "$(UNDEFINED)"},
      {"a$(EMPTY)b", "ab"},
      {"$$(NODE_IP)", "$(NODE_IP)"},
      {"$$$(NODE_IP)", "$127.0.1.2"},
      {"cost $5", "cost $5"},
      {"trailing $", "trailing $"},
      {"$(NODE_IP", "$(NODE_IP"},
      {"$()", "$()"},
      {"$(PORT)$(PORT)", "22222222"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Expand(c.in), c.want) << "input: " << c.in;
  }
}

}  // namespace
}  // namespace drs::kubelet
