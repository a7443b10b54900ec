#include "runtime/key_func.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace drs::runtime {
namespace {

using nlohmann::json;

TEST(MetaNamespaceKeyFuncTest, Table) {
  struct Case {
    const char* name;
    json obj;
    std::optional<std::string> want;  // nullopt: an Invalid error
  };
  const std::vector<Case> cases = {
      {"namespaced", {{"metadata", {{"namespace", "shop"}, {"name", "web"}}}}, "shop/web"},
      {"cluster-scoped", {{"metadata", {{"name", "node-1"}}}}, "node-1"},
      {"empty namespace", {{"metadata", {{"namespace", ""}, {"name", "pv"}}}}, "pv"},
      {"null namespace", {{"metadata", {{"namespace", nullptr}, {"name", "pv"}}}}, "pv"},
      {"no metadata", {{"kind", "Pod"}}, std::nullopt},
      {"no name", {{"metadata", {{"namespace", "shop"}}}}, std::nullopt},
      {"empty name", {{"metadata", {{"name", ""}}}}, std::nullopt},
      {"numeric name", {{"metadata", {{"name", 7}}}}, std::nullopt},
      {"numeric namespace", {{"metadata", {{"namespace", 7}, {"name", "a"}}}}, std::nullopt},
      {"metadata not an object", {{"metadata", "x"}}, std::nullopt},
      {"not an object", json::array({1, 2}), std::nullopt},
  };
  for (const auto& c : cases) {
    const auto key = MetaNamespaceKeyFunc(c.obj);
    if (c.want.has_value()) {
      ASSERT_TRUE(key.ok()) << c.name << ": " << key.error();
      EXPECT_EQ(*key, *c.want) << c.name;
    } else {
      ASSERT_FALSE(key.ok()) << c.name;
      EXPECT_EQ(key.error().code(), ErrorCode::kInvalid) << c.name;
    }
  }
}

TEST(SplitMetaNamespaceKeyTest, Table) {
  using Split = std::pair<std::string, std::string>;
  struct Case {
    const char* key;
    std::optional<Split> want;
  };
  const std::vector<Case> cases = {
      {"shop/web", Split{"shop", "web"}},
      {"node-1", Split{"", "node-1"}},
      {"/pv", Split{"", "pv"}},
      {"", std::nullopt},
      {"shop/", std::nullopt},
      {"a/b/c", std::nullopt},
  };
  for (const auto& c : cases) {
    const auto split = SplitMetaNamespaceKey(c.key);
    if (c.want.has_value()) {
      ASSERT_TRUE(split.ok()) << c.key;
      EXPECT_EQ(*split, *c.want) << c.key;
    } else {
      EXPECT_FALSE(split.ok()) << c.key;
    }
  }
}

TEST(NamespaceIndexFuncTest, NamespaceOrEmpty) {
  EXPECT_EQ(NamespaceIndexFunc({{"metadata", {{"namespace", "shop"}, {"name", "a"}}}}),
            std::vector<std::string>{"shop"});
  EXPECT_EQ(NamespaceIndexFunc({{"metadata", {{"name", "a"}}}}), std::vector<std::string>{""});
  // Malformed input is not a crash.
  EXPECT_EQ(NamespaceIndexFunc({{"metadata", {{"namespace", 3}}}}), std::vector<std::string>{""});
  EXPECT_EQ(NamespaceIndexFunc(json("scalar")), std::vector<std::string>{""});
}

}  // namespace
}  // namespace drs::runtime
