#include "sync/glob.h"

#include <string>

#include <gtest/gtest.h>

namespace drs::sync {
namespace {

TEST(GlobTest, Matches) {
  const struct {
    std::string_view pattern;
    std::string_view name;
    bool match;
  } cases[] = {
      {"*", "", true},
      {"*", "anything", true},
      {"", "", true},
      {"", "a", false},
      {"web", "web", true},
      {"web", "web2", false},
      {"web", "we", false},
      {"tmp-*", "tmp-1", true},
      {"tmp-*", "tmp-", true},
      {"tmp-*", "tmp", false},
      {"*-cache", "redis-cache", true},
      {"*-cache", "redis-cache2", false},
      {"a*b*c", "abc", true},
      {"a*b*c", "axxbyyc", true},
      {"a*b*c", "axxbyy", false},
      {"a*b*c", "acb", false},
      {"web-?", "web-1", true},
      {"web-?", "web-12", false},
      {"web-?", "web-", false},
      {"?", "", false},
      {"*?", "", false},
      {"*?", "x", true},
      {"**a", "bba", true},
      {"a*a", "aaa", true},
      {"a*ab", "aaab", true},
      {"Web", "web", false},  // names are case-sensitive
  };
  for (const auto& c : cases) {
    EXPECT_EQ(GlobMatch(c.pattern, c.name), c.match) << c.pattern << " vs " << c.name;
  }
}

TEST(GlobTest, PathologicalPatternIsFast) {
  // Exponential backtracking would never finish this.
  const std::string name(5000, 'a');
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*a*a*a*a*b", name));
  EXPECT_TRUE(GlobMatch("*a*a*a*a*a*a*a*a*a*a*a*a*", name));
}

}  // namespace
}  // namespace drs::sync
